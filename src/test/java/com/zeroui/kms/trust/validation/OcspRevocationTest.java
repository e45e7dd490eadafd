package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.TestPki.NOW;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static com.zeroui.kms.trust.validation.TestPki.crl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/** Stapled OCSP responses (ocsp_responses) and the service's own responder status, as revocation sources beside CRLs. */
class OcspRevocationTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);
    private final Issued leaf = TestPki.leaf("www.example.com", intermediate);
    private final X509CRL rootCrl = crl(root).build();

    private ValidationResult validate(RevocationMode mode, List<byte[]> ocsp, ResponderStatus responder, X509CRL... crls) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root).revocationMode(mode)
                .crls(List.of(crls)).ocspResponses(ocsp).responderStatus(responder).build());
    }

    /** A response about {@code cert} (issued by {@code issuer}) signed with {@code signer}, carrying {@code carried}. */
    static byte[] ocsp(Issued cert, Issued issuer, CertificateStatus status, KeyPair signer, Issued carried,
                       Instant thisUpdate, Instant nextUpdate) {
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new X509CertificateHolder(issuer.der()), cert.serial());
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(issuer.subject()));
            b.addResponse(id, status, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
            X509CertificateHolder[] chain = carried == null ? null : new X509CertificateHolder[] {new X509CertificateHolder(carried.der())};
            var basic = b.build(new JcaContentSignerBuilder(TestPki.defaultAlgorithm(signer)).setProvider(TestPki.BC)
                    .build(signer.getPrivate()), chain, Date.from(thisUpdate));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] leafOcsp(CertificateStatus status) {
        return ocsp(leaf, intermediate, status, intermediate.keys(), null, NOW.minus(Duration.ofHours(1)),
                NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void aGoodStapledResponseVouchesAndNamesOcspAsTheSource() {
        ValidationResult result = validate(RevocationMode.REQUIRE, List.of(leafOcsp(CertificateStatus.GOOD)), null, rootCrl);
        assertOk(result);
        assertThat(result.revocation()).isEqualTo(new RevocationStatus(RevocationStatus.Status.GOOD,
                RevocationStatus.Source.OCSP));
    }

    @Test
    void aRevokedStapledResponseRevokesInEveryModeButNone() {
        byte[] revoked = leafOcsp(new RevokedStatus(Date.from(NOW.minus(Duration.ofDays(1))), CRLReason.keyCompromise));
        for (RevocationMode mode : List.of(RevocationMode.REQUIRE, RevocationMode.BEST_EFFORT)) {
            ValidationResult result = validate(mode, List.of(revoked), null, rootCrl);
            assertFails(result, ReasonCode.REVOKED, 0);
            assertThat(result.revocation().source()).isEqualTo(RevocationStatus.Source.OCSP);
            assertThat(result.detail()).contains("keyCompromise");
        }
        assertOk(validate(RevocationMode.NONE, List.of(revoked), null));
    }

    @Test
    void aResponseSignedByAnotherKeyOrAnUnauthorisedResponderIsInvalidInEveryModeButNone() {
        byte[] forged = ocsp(leaf, intermediate, CertificateStatus.GOOD, TestPki.ec(), null, NOW.minus(Duration.ofHours(1)),
                NOW.plus(Duration.ofHours(1)));
        assertFails(validate(RevocationMode.BEST_EFFORT, List.of(forged), null, rootCrl), ReasonCode.OCSP_INVALID, 0);
        assertFails(validate(RevocationMode.REQUIRE, List.of(forged), null, rootCrl), ReasonCode.OCSP_INVALID, 0);
        assertOk(validate(RevocationMode.NONE, List.of(forged), null));

        KeyPair responderKeys = TestPki.ec();
        Issued authorised = cert("CN=Responder").issuer(intermediate).keys(responderKeys).keyUsage(KeyUsage.digitalSignature)
                .eku(KeyPurposeId.id_kp_OCSPSigning).build();
        ValidationResult delegated = validate(RevocationMode.REQUIRE, List.of(ocsp(leaf, intermediate, CertificateStatus.GOOD,
                responderKeys, authorised, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)))), null, rootCrl);
        assertOk(delegated);
        assertThat(delegated.revocation().source()).isEqualTo(RevocationStatus.Source.OCSP);

        KeyPair otherKeys = TestPki.ec();
        Issued withoutEku = cert("CN=Not a responder").issuer(intermediate).keys(otherKeys).leaf().build();
        assertFails(validate(RevocationMode.BEST_EFFORT, List.of(ocsp(leaf, intermediate, CertificateStatus.GOOD, otherKeys,
                withoutEku, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)))), null, rootCrl),
                ReasonCode.OCSP_INVALID, 0);
    }

    @Test
    void aStaleResponseIsNoAnswerAndAResponseForAnotherCertificateIsIgnored() {
        byte[] stale = ocsp(leaf, intermediate, CertificateStatus.GOOD, intermediate.keys(), null,
                NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(2)));
        assertFails(validate(RevocationMode.REQUIRE, List.of(stale), null, rootCrl), ReasonCode.REVOCATION_UNKNOWN, 0);
        ValidationResult bestEffort = validate(RevocationMode.BEST_EFFORT, List.of(stale), null, rootCrl);
        assertOk(bestEffort);
        assertThat(bestEffort.revocation().status()).isEqualTo(RevocationStatus.Status.UNKNOWN);
        Issued other = TestPki.leaf("other.example.com", intermediate);
        byte[] aboutOther = ocsp(other, intermediate, new RevokedStatus(Date.from(NOW.minus(Duration.ofDays(1))),
                CRLReason.keyCompromise), intermediate.keys(), null, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)));
        assertFails(validate(RevocationMode.REQUIRE, List.of(aboutOther), null, rootCrl), ReasonCode.REVOCATION_UNKNOWN, 0);
    }

    @Test
    void aResponseThatDoesNotDecodeIsARequestMistake() {
        assertThatThrownBy(() -> ValidationRequest.builder().ocspResponses(List.of(new byte[] {1, 2, 3})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ocsp_responses[0]");
    }

    @Test
    void theOwnResponderDecidesForItsCertificatesAheadOfAnOlderCrl() {
        byte[] intermediateSpki = org.bouncycastle.asn1.x509.Certificate.getInstance(intermediate.der())
                .getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
        ResponderStatus revokedNow = (spki, serial) -> serial.equals(leaf.serial())
                ? Optional.of(new ResponderStatus.Answer(true, NOW.minusSeconds(1), CRLReason.keyCompromise))
                : Optional.empty();
        X509CRL olderCrl = crl(intermediate).build(); // made before the revocation: does not list the leaf
        ValidationResult result = validate(RevocationMode.BEST_EFFORT, List.of(), revokedNow, olderCrl, rootCrl);
        assertFails(result, ReasonCode.REVOKED, 0);
        assertThat(result.revocation().source()).isEqualTo(RevocationStatus.Source.OCSP);

        ResponderStatus good = (spki, serial) -> serial.equals(leaf.serial()) ? Optional.of(ResponderStatus.Answer.good())
                : Optional.empty();
        ValidationResult ok = validate(RevocationMode.REQUIRE, List.of(), good, rootCrl);
        assertOk(ok);
        assertThat(ok.revocation()).isEqualTo(new RevocationStatus(RevocationStatus.Status.GOOD, RevocationStatus.Source.OCSP));
        assertThat(intermediateSpki).isNotEmpty();
        assertThat(BigInteger.ONE).isNotNull();
    }
}
