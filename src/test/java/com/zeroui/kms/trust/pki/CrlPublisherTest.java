package com.zeroui.kms.trust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.support.AdjustableClock;
import com.zeroui.kms.trust.InternalCa;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRL caching, re-signing and numbering on a real SQLite store, with a clock the test moves. */
class CrlPublisherTest {
    @TempDir
    Path dir;
    Database database;
    JdbcCertificateStore store;
    AdjustableClock clock;
    InternalCa.Generated ca;
    AtomicInteger keyLoads = new AtomicInteger();

    @BeforeEach
    void open() {
        database = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        store = new JdbcCertificateStore(database);
        clock = new AdjustableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ca = InternalCa.generate("zeroui.local", clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    CrlPublisher node() {
        Map<String, PrivateKey> keys = Map.of(InternalCa.ROOT_ID, ca.rootKeys().getPrivate(),
                InternalCa.ISSUING_ID, ca.issuingKeys().getPrivate());
        return new CrlPublisher(store, Map.of(InternalCa.ROOT_ID, ca.ca().root(), InternalCa.ISSUING_ID, ca.ca().issuing()),
                caId -> {
                    keyLoads.incrementAndGet();
                    return keys.get(caId);
                }, Duration.ofHours(24), clock);
    }

    static X509CRL parse(CertificateStore.SignedCrl crl) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crl.der()));
    }

    CertificateRecord issued(Instant notAfter) {
        CertificateRecord r = new CertificateRecord(new BigInteger(64, new java.security.SecureRandom()).setBit(63).toString(16),
                InternalCa.ISSUING_ID, "spiffe://zeroui.local/module/M1", "client", clock.instant(), notAfter, "pem",
                clock.instant(), false, null, null, null, "EC-P256");
        store.insert(r);
        return r;
    }

    @Test
    void signsOnceAndServesTheStoredCrlUntilHalfItsValidityHasPassed() throws Exception {
        CrlPublisher a = node();
        CertificateStore.SignedCrl first = a.current(InternalCa.ISSUING_ID);
        assertThat(first.number()).isEqualTo(1);
        X509CRL crl = parse(first);
        crl.verify(ca.ca().issuing().getPublicKey());
        assertThat(crl.getThisUpdate().toInstant()).isEqualTo(clock.instant());
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));

        clock.advance(Duration.ofHours(11));
        assertThat(a.current(InternalCa.ISSUING_ID).der()).isEqualTo(first.der());
        assertThat(node().current(InternalCa.ISSUING_ID).der()).as("another node serves the same bytes").isEqualTo(first.der());
        assertThat(keyLoads).hasValue(1);

        clock.advance(Duration.ofHours(1));
        CertificateStore.SignedCrl renewed = node().current(InternalCa.ISSUING_ID);
        assertThat(renewed.number()).isEqualTo(2);
        assertThat(renewed.thisUpdate()).isEqualTo(clock.instant());
        assertThat(a.current(InternalCa.ISSUING_ID).der()).isEqualTo(renewed.der());
    }

    @Test
    void aRevocationChangeIsSignedUnderTheNextNumberAndExpiredEntriesDrop() throws Exception {
        CrlPublisher a = node();
        long start = a.current(InternalCa.ISSUING_ID).number();
        CertificateRecord compromised = issued(clock.instant().plus(Duration.ofDays(30)));
        CertificateRecord shortLived = issued(clock.instant().plus(Duration.ofHours(2)));
        CertificateRecord plain = issued(clock.instant().plus(Duration.ofDays(30)));
        assertThat(a.current(InternalCa.ISSUING_ID).number()).as("issuing changes nothing").isEqualTo(start);
        store.changeRevocation(compromised, compromised.withRevocation(true, clock.instant(), RevocationReason.KEY_COMPROMISE));
        store.changeRevocation(shortLived, shortLived.withRevocation(true, clock.instant(), RevocationReason.SUPERSEDED));
        store.changeRevocation(plain, plain.withRevocation(true, clock.instant(), RevocationReason.UNSPECIFIED));

        CertificateStore.SignedCrl changed = node().current(InternalCa.ISSUING_ID);
        assertThat(changed.number()).isEqualTo(start + 1);
        X509CRL crl = parse(changed);
        X509CRLEntry entry = crl.getRevokedCertificate(new BigInteger(compromised.serial(), 16));
        assertThat(entry.getRevocationDate().toInstant()).isEqualTo(clock.instant());
        assertThat(entry.getRevocationReason()).isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
        assertThat(crl.getRevokedCertificate(new BigInteger(plain.serial(), 16)).getExtensionValue(Extension.reasonCode.getId()))
                .isNull();
        assertThat(crl.getRevokedCertificates()).hasSize(3);

        clock.advance(Duration.ofHours(13)); // past the refresh point and past shortLived's notAfter
        X509CRL later = parse(a.current(InternalCa.ISSUING_ID));
        assertThat(later.getRevokedCertificates()).extracting(e -> e.getSerialNumber().toString(16))
                .containsExactlyInAnyOrder(compromised.serial(), plain.serial());
        assertThat(CRLReason.keyCompromise).isEqualTo(RevocationReason.KEY_COMPROMISE.code());
    }

    @Test
    void nodesRacingToResignPublishOneCrl() throws Exception {
        node().current(InternalCa.ISSUING_ID);
        CertificateRecord r = issued(clock.instant().plus(Duration.ofDays(1)));
        store.changeRevocation(r, r.withRevocation(true, clock.instant(), RevocationReason.KEY_COMPROMISE));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CertificateStore.SignedCrl>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CrlPublisher each = node();
                results.add(pool.submit(() -> each.current(InternalCa.ISSUING_ID)));
            }
            Map<Long, byte[]> seen = new ConcurrentHashMap<>();
            for (Future<CertificateStore.SignedCrl> f : results) {
                CertificateStore.SignedCrl crl = f.get();
                seen.put(crl.number(), crl.der());
            }
            assertThat(seen).containsOnlyKeys(2L);
            assertThat(store.crl(InternalCa.ISSUING_ID).orElseThrow().cached().der()).isEqualTo(seen.get(2L));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theRootPublishesItsOwnCrlAndUnknownCasAre404() throws Exception {
        X509CRL root = parse(node().current(InternalCa.ROOT_ID));
        root.verify(ca.ca().root().getPublicKey());
        assertThat(root.getIssuerX500Principal()).isEqualTo(ca.ca().root().getSubjectX500Principal());
        assertThatThrownBy(() -> node().current("internal-other")).isInstanceOf(KmsException.class)
                .extracting(e -> ((KmsException) e).code()).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    }
}
