package com.zeroui.kms.trust.anchors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.TestCertificates.Issued;
import com.zeroui.kms.support.TestCertificates;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/** Which certificates may become trust anchors, and the reason named for each one that may not. */
class AnchorCertificatePolicyTest {
    private final AnchorCertificatePolicy policy = new AnchorCertificatePolicy();
    private final Instant now = Instant.now();

    @Test
    void acceptsCaCertificatesWithStrongKeysAndDigests() throws Exception {
        Issued p256 = TestCertificates.ca("p256").build();
        AnchorCertificatePolicy.Accepted accepted = policy.accept(p256.pem(), AnchorType.ROOT, now);
        assertThat(accepted.fingerprintSha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(p256.certificate().getEncoded())));
        assertThat(accepted.keySizeBits()).isEqualTo(256);
        assertThat(accepted.subject()).contains("CN=p256");
        assertThat(accepted.notAfter()).isEqualTo(p256.certificate().getNotAfter().toInstant());
        assertThat(accepted.pem()).isEqualTo(p256.pem());

        assertThat(policy.accept(TestCertificates.ca("rsa").keys(TestCertificates.rsa(2048)).build().pem(),
                AnchorType.EXTERNAL_CA, now).keySizeBits()).isEqualTo(2048);
        assertThat(policy.accept(TestCertificates.ca("p384").keys(TestCertificates.ec("secp384r1"))
                .signatureAlgorithm("SHA384withECDSA").build().pem(), AnchorType.ROOT, now).keySizeBits()).isEqualTo(384);
        assertThat(policy.accept(TestCertificates.ca("ed").keys(TestCertificates.ed25519()).build().pem(),
                AnchorType.ROOT, now).keySizeBits()).isEqualTo(256);
        assertThat(policy.accept(TestCertificates.ca("pss").keys(TestCertificates.rsa(3072))
                .signatureAlgorithm("SHA256withRSAandMGF1").signedWithBouncyCastle().build().pem(), AnchorType.ROOT, now)
                .keySizeBits()).isEqualTo(3072);
    }

    @Test
    void anIntermediateIsAnAcceptableCaAnchorButNotARoot() {
        Issued root = TestCertificates.ca("root").build();
        Issued intermediate = TestCertificates.ca("intermediate").issuedBy(root).build();
        assertThat(policy.accept(intermediate.pem(), AnchorType.EXTERNAL_CA, now).subject()).contains("intermediate");
        assertThat(policy.accept(intermediate.pem(), AnchorType.INTERNAL_CA, now)).isNotNull();
        assertRefused(intermediate.pem(), AnchorType.ROOT, "root_not_self_signed");
    }

    @Test
    void surroundingTextIsIgnoredAndThePemIsStoredCanonically() {
        Issued ca = TestCertificates.ca("framed").build();
        String framed = "subject=CN=framed\nissuer=CN=framed\n" + ca.pem().replace("\n", "\r\n") + "\ntrailing words\n";
        assertThat(policy.accept(framed, AnchorType.ROOT, now).pem()).isEqualTo(ca.pem());
    }

    @Test
    void refusesWhatIsNotOneWellFormedCertificate() {
        Issued ca = TestCertificates.ca("one").build();
        assertRefused("not a certificate at all", AnchorType.ROOT, "malformed_pem");
        assertRefused("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", AnchorType.ROOT, "malformed_pem");
        assertRefused(ca.pem().substring(0, ca.pem().indexOf("-----END")), AnchorType.ROOT, "malformed_pem");
        assertRefused(com.zeroui.kms.crypto.Pem.privateKey(ca.keys().getPrivate()) + ca.pem(), AnchorType.ROOT,
                "malformed_pem");
        assertRefused(ca.pem() + TestCertificates.ca("two").build().pem(), AnchorType.ROOT, "multiple_certificates");
        assertRefused(com.zeroui.kms.crypto.Pem.encode("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}),
                AnchorType.ROOT, "malformed_certificate");
    }

    @Test
    void aPastedPrivateKeyIsNeverEchoed() {
        Issued ca = TestCertificates.ca("secret").build();
        String key = com.zeroui.kms.crypto.Pem.privateKey(ca.keys().getPrivate());
        String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThatThrownBy(() -> policy.accept(key, AnchorType.ROOT, now))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.getMessage()).contains("PRIVATE KEY").doesNotContain(body.substring(0, 20));
                    assertThat(e.details().toString()).doesNotContain(body.substring(0, 20));
                });
    }

    @Test
    void refusesEndEntityCertificatesAndCasThatMayNotSignCertificates() {
        assertRefused(TestCertificates.ca("leaf").ca(false).build().pem(), AnchorType.ROOT, "not_a_ca");
        assertRefused(TestCertificates.ca("v3-no-bc").ca(null).build().pem(), AnchorType.ROOT, "not_a_ca");
        assertRefused(TestCertificates.ca("no-ku").keyUsage(null).build().pem(), AnchorType.ROOT, "missing_key_cert_sign");
        assertRefused(TestCertificates.ca("crl-only").keyUsage(KeyUsage.cRLSign | KeyUsage.digitalSignature).build().pem(),
                AnchorType.ROOT, "missing_key_cert_sign");
    }

    @Test
    void refusesWeakKeysAndBrokenDigests() {
        assertRefused(TestCertificates.ca("rsa1024").keys(TestCertificates.rsa(1024)).build().pem(), AnchorType.ROOT,
                "weak_key");
        assertRefused(TestCertificates.ca("p224").keys(TestCertificates.legacyEc("secp224r1")).signedWithBouncyCastle()
                .build().pem(), AnchorType.ROOT, "weak_key");
        assertRefused(TestCertificates.ca("k256").keys(TestCertificates.legacyEc("secp256k1")).signedWithBouncyCastle()
                .build().pem(), AnchorType.ROOT, "unsupported_key_algorithm");
        Issued ecIssuer = TestCertificates.ca("issuer").build();
        assertRefused(TestCertificates.ca("dsa-key").keys(TestCertificates.dsa(2048)).issuedBy(ecIssuer).build().pem(),
                AnchorType.EXTERNAL_CA, "unsupported_key_algorithm");

        assertRefused(TestCertificates.ca("sha1").keys(TestCertificates.rsa(2048)).signatureAlgorithm("SHA1withRSA")
                .build().pem(), AnchorType.ROOT, "weak_signature");
        assertRefused(TestCertificates.ca("md5").keys(TestCertificates.rsa(2048)).signatureAlgorithm("MD5withRSA")
                .build().pem(), AnchorType.ROOT, "weak_signature");
        assertRefused(TestCertificates.ca("ecdsa-sha1").signatureAlgorithm("SHA1withECDSA").build().pem(),
                AnchorType.ROOT, "weak_signature");
        assertRefused(TestCertificates.ca("pss-sha1").keys(TestCertificates.rsa(2048))
                .signatureAlgorithm("SHA1withRSAandMGF1").signedWithBouncyCastle().build().pem(), AnchorType.ROOT,
                "weak_signature");
        assertRefused(TestCertificates.ca("dsa").keys(TestCertificates.dsa(2048)).build().pem(), AnchorType.ROOT,
                "unsupported_signature_algorithm");
    }

    @Test
    void refusesCertificatesOutsideTheirValidity() {
        KmsException expired = assertRefused(TestCertificates.ca("old")
                .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).build().pem(),
                AnchorType.ROOT, "expired");
        assertThat(expired.details()).containsKey("not_after");
        assertRefused(TestCertificates.ca("future")
                .validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).build().pem(),
                AnchorType.ROOT, "not_yet_valid");
    }

    @Test
    void aSelfIssuedCertificateMustVerifyWithItsOwnKey() {
        Issued other = TestCertificates.ca("other").build();
        String forged = TestCertificates.ca("forged").selfIssuedButSignedBy(other.keys().getPrivate()).build().pem();
        assertRefused(forged, AnchorType.ROOT, "bad_self_signature");
        assertRefused(forged, AnchorType.EXTERNAL_CA, "bad_self_signature");
    }

    private KmsException assertRefused(String pem, AnchorType type, String reason) {
        try {
            policy.accept(pem, type, now);
        } catch (KmsException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.details()).containsEntry("field", "certificate_pem").containsEntry("reason", reason);
            return e;
        }
        throw new AssertionError("accepted, expected refusal " + reason);
    }
}
