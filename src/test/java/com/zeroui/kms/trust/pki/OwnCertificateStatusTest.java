package com.zeroui.kms.trust.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.trust.InternalCa;
import com.zeroui.kms.trust.validation.ResponderStatus;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.x509.CRLReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The internal CAs' certificate status for validation, read from a real SQLite store at each call. */
class OwnCertificateStatusTest {
    @TempDir
    Path dir;
    Database database;
    JdbcCertificateStore store;
    InternalCa.Generated ca;
    OwnCertificateStatus status;

    @BeforeEach
    void open() {
        database = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        store = new JdbcCertificateStore(database);
        ca = InternalCa.generate("zeroui.local", Clock.systemUTC());
        status = new OwnCertificateStatus(store, ca.ca());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private CertificateRecord issued(String caId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRecord r = new CertificateRecord(new BigInteger(64, new java.security.SecureRandom()).setBit(63).toString(16),
                caId, "spiffe://zeroui.local/module/M1", "client", now, now.plus(Duration.ofDays(1)), "pem", now, false,
                null, null, null, "EC-P256");
        store.insert(r);
        return r;
    }

    @Test
    void aRevocationIsSeenByTheVeryNextLookup() {
        byte[] issuing = ca.ca().issuing().getPublicKey().getEncoded();
        CertificateRecord r = issued(InternalCa.ISSUING_ID);
        BigInteger serial = new BigInteger(r.serial(), 16);
        assertThat(status.status(issuing, serial)).contains(ResponderStatus.Answer.good());

        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(store.changeRevocation(r, r.withRevocation(true, at, RevocationReason.KEY_COMPROMISE))).isTrue();
        ResponderStatus.Answer answer = status.status(issuing, serial).orElseThrow();
        assertThat(answer.revoked()).isTrue();
        assertThat(answer.revokedAt()).isEqualTo(at);
        assertThat(answer.crlReason()).isEqualTo(CRLReason.keyCompromise);
    }

    @Test
    void onlyTheIssuingKeyOfTheRecordGetsAnAnswer() {
        CertificateRecord r = issued(InternalCa.ISSUING_ID);
        BigInteger serial = new BigInteger(r.serial(), 16);
        // the root's key is an internal CA too, but not this certificate's issuer
        assertThat(status.status(ca.ca().root().getPublicKey().getEncoded(), serial)).isEmpty();
        // another CA (e.g. with the same name) is not this service's
        byte[] foreign = InternalCa.generate("zeroui.local", Clock.systemUTC()).ca().issuing().getPublicKey().getEncoded();
        assertThat(status.status(foreign, serial)).isEmpty();
        assertThat(status.status(ca.ca().issuing().getPublicKey().getEncoded(), BigInteger.valueOf(12345))).as("unknown serial")
                .isEmpty();
    }
}
