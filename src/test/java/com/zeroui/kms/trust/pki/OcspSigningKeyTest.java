package com.zeroui.kms.trust.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.support.AdjustableClock;
import com.zeroui.kms.trust.InternalCa;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delegated responder credential: issued once, shared through the store, renewed before expiry. */
class OcspSigningKeyTest {
    @TempDir
    Path dir;
    Database database;
    JdbcCertificateStore store;
    AdjustableClock clock;
    InternalCa ca;
    SoftwareMasterKeyProvider masterKey;

    @BeforeEach
    void open() throws Exception {
        database = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        store = new JdbcCertificateStore(database);
        clock = new AdjustableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ca = InternalCa.generate("zeroui.local", clock).ca();
        masterKey = SoftwareMasterKeyProvider.create(dir.resolve("master.key"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    OcspSigningKey node() {
        return new OcspSigningKey(store, ca, masterKey, clock);
    }

    long responderCertificates() {
        return store.list(new CertificateStore.ListFilter(null, OcspSigningKey.SUBJECT_PREFIX + InternalCa.ISSUING_ID, null,
                clock.instant(), null), 100).size();
    }

    @Test
    void isIssuedOnceWithTheDelegationExtensionsAndSharedThroughTheStore() throws Exception {
        OcspSigningKey.Credential first = node().current();
        X509Certificate cert = first.certificate();
        cert.verify(ca.issuing().getPublicKey());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.9");
        assertThat(cert.getExtensionValue(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId())).isNotNull();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(Duration.between(clock.instant(), cert.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(30));
        assertThat(first.renewAt()).isEqualTo(cert.getNotAfter().toInstant().minus(Duration.ofDays(10)));

        OcspSigningKey.Credential elsewhere = node().current();
        assertThat(elsewhere.certificate()).isEqualTo(cert);
        assertThat(elsewhere.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
        assertThat(responderCertificates()).isEqualTo(1);
        CertificateStore.StoredResponder stored = store.ocspResponder(InternalCa.ISSUING_ID).orElseThrow();
        byte[] pkcs8 = first.privateKey().getEncoded();
        byte[] scalar = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        assertThat(java.util.HexFormat.of().formatHex(stored.wrappedPrivateKey()))
                .as("the key is stored only wrapped").doesNotContain(java.util.HexFormat.of().formatHex(scalar).substring(0, 24));
        assertThat(stored.masterKeyId()).isEqualTo(masterKey.keyId());
    }

    @Test
    void isRenewedOnceWithinTenDaysOfExpiry() {
        OcspSigningKey a = node();
        OcspSigningKey b = node();
        X509Certificate original = a.current().certificate();
        assertThat(b.current().certificate()).isEqualTo(original);

        clock.advance(Duration.ofDays(19));
        assertThat(a.current().certificate()).isEqualTo(original);
        clock.advance(Duration.ofDays(2));
        X509Certificate renewed = a.current().certificate();
        assertThat(renewed.getSerialNumber()).isNotEqualTo(original.getSerialNumber());
        assertThat(renewed.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
        assertThat(b.current().certificate()).as("the other node takes the successor").isEqualTo(renewed);
        assertThat(responderCertificates()).isEqualTo(2);
    }
}
