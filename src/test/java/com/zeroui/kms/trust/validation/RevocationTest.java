package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validateWithCrls;
import static com.zeroui.kms.trust.validation.TestPki.NOW;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static com.zeroui.kms.trust.validation.TestPki.crl;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/** Revocation by CRL: status, authenticity, scope, freshness, modes. */
class RevocationTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);
    private final Issued leaf = TestPki.leaf("www.example.com", intermediate);
    private final X509CRL rootCrl = crl(root).build();

    private static final RevocationStatus GOOD = new RevocationStatus(RevocationStatus.Status.GOOD,
            RevocationStatus.Source.CRL);

    @Test
    void goodWhenEveryCertificateBelowTheAnchorHasACurrentCrl() {
        ValidationResult result = validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE,
                crl(intermediate).revoke(java.math.BigInteger.TEN, 1).build(), rootCrl);
        assertOk(result);
        assertThat(result.revocation()).isEqualTo(GOOD);
    }

    @Test
    void aListedLeafOrIntermediateIsRevoked() {
        ValidationResult revokedLeaf = validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE,
                crl(intermediate).revoke(leaf).build(), rootCrl);
        assertFails(revokedLeaf, ReasonCode.REVOKED, 0);
        assertThat(revokedLeaf.revocation().status()).isEqualTo(RevocationStatus.Status.REVOKED);
        assertThat(revokedLeaf.detail()).contains("keyCompromise");
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.BEST_EFFORT,
                crl(intermediate).revoke(leaf).build()), ReasonCode.REVOKED, 0);
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE,
                crl(intermediate).build(), crl(root).revoke(intermediate).build()), ReasonCode.REVOKED, 1);
    }

    @Test
    void modesDecideWhatAMissingCrlMeans() {
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, rootCrl),
                ReasonCode.REVOCATION_UNKNOWN, 0);
        ValidationResult bestEffort = validateWithCrls(leaf, intermediate, root, RevocationMode.BEST_EFFORT);
        assertOk(bestEffort);
        assertThat(bestEffort.revocation()).isEqualTo(new RevocationStatus(RevocationStatus.Status.UNKNOWN,
                RevocationStatus.Source.NONE));
        ValidationResult none = validateWithCrls(leaf, intermediate, root, RevocationMode.NONE,
                crl(intermediate).revoke(leaf).build());
        assertOk(none);
        assertThat(none.revocation()).isEqualTo(RevocationStatus.NOT_CHECKED);
    }

    @Test
    void aCrlWithoutACrlNumberIsNotTrusted() {
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE,
                crl(intermediate).noCrlNumber().build(), rootCrl), ReasonCode.CRL_INVALID, 0);
        // an unusable CRL for the issuer is a failure in every mode but none, not "no CRL"
        ValidationResult bestEffort = validateWithCrls(leaf, intermediate, root, RevocationMode.BEST_EFFORT,
                crl(intermediate).noCrlNumber().build(), rootCrl);
        assertFails(bestEffort, ReasonCode.CRL_INVALID, 0);
        assertThat(bestEffort.revocation().status()).isEqualTo(RevocationStatus.Status.UNKNOWN);
        assertThat(bestEffort.detail()).contains("no CRL number");
    }

    @Test
    void aCrlFromACaWithoutCrlSignIsNotTrusted() {
        Issued noCrlSign = cert("CN=No CRL sign").issuer(root).basicConstraints(true, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign).build();
        Issued leaf2 = TestPki.leaf("a.example", noCrlSign);
        ValidationResult result = validateWithCrls(leaf2, noCrlSign, root, RevocationMode.REQUIRE,
                crl(noCrlSign).build(), rootCrl);
        assertFails(result, ReasonCode.CRL_INVALID, 0);
        assertThat(result.detail()).contains("cRLSign");
    }

    @Test
    void aCrlSignedByAnotherKeyIsNotTrustedAndCannotRevoke() {
        X509CRL forged = crl(intermediate).signedByKey(TestPki.ec()).revoke(leaf).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, forged, rootCrl),
                ReasonCode.CRL_INVALID, 0);
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.BEST_EFFORT, forged, rootCrl),
                ReasonCode.CRL_INVALID, 0);
        assertOk(validateWithCrls(leaf, intermediate, root, RevocationMode.NONE, forged, rootCrl));
    }

    @Test
    void aDelegatedCrlSignerNeedsCrlSignAndTheIssuersSignature() {
        Issued signer = cert("CN=Intermediate,O=Test").issuer(intermediate).keyUsage(KeyUsage.cRLSign)
                .basicConstraints(true, new BasicConstraints(false)).build();
        ValidationResult delegated = Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate, signer), root)
                .revocationMode(RevocationMode.REQUIRE)
                .crls(List.of(crl(intermediate).signedBy(signer).revoke(leaf).build(), rootCrl)).build());
        assertFails(delegated, ReasonCode.REVOKED, 0);

        Issued notASigner = cert("CN=Intermediate,O=Test").issuer(intermediate).keyUsage(KeyUsage.digitalSignature)
                .basicConstraints(true, new BasicConstraints(false)).build();
        ValidationResult refused = Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate, notASigner), root)
                .revocationMode(RevocationMode.REQUIRE)
                .crls(List.of(crl(intermediate).signedBy(notASigner).build(), rootCrl)).build());
        assertFails(refused, ReasonCode.CRL_INVALID, 0);
    }

    @Test
    void aCrlPastItsNextUpdateCannotVouchButStillRevokes() {
        X509CRL stale = crl(intermediate).updates(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(3))).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, stale, rootCrl),
                ReasonCode.CRL_EXPIRED, 0);
        X509CRL staleRevoking = crl(intermediate).updates(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(3)))
                .revoke(leaf).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, staleRevoking, rootCrl),
                ReasonCode.REVOKED, 0);
        X509CRL noNextUpdate = crl(intermediate).updates(NOW.minus(Duration.ofDays(1)), null).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, noNextUpdate, rootCrl),
                ReasonCode.CRL_INVALID, 0);
        // a current CRL next to a stale one is enough
        assertOk(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, stale, crl(intermediate).build(), rootCrl));
    }

    @Test
    void unknownCriticalCrlExtensionsAndDeltaCrlsAreNotUsed() {
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE,
                crl(intermediate).criticalUnknownExtension().build(), rootCrl), ReasonCode.CRL_INVALID, 0);
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE,
                crl(intermediate).delta().build(), rootCrl), ReasonCode.CRL_INVALID, 0);
    }

    @Test
    void issuingDistributionPointLimitsTheCrlsScope() {
        X509CRL caOnly = crl(intermediate).idp(new IssuingDistributionPoint(null, false, true, null, false, false)).revoke(leaf).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, caOnly, rootCrl),
                ReasonCode.REVOCATION_UNKNOWN, 0);
        X509CRL userOnly = crl(intermediate).idp(new IssuingDistributionPoint(null, true, false, null, false, false)).build();
        assertOk(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, userOnly, rootCrl));
        // a user-only CRL of the root says nothing about the intermediate
        X509CRL rootUserOnly = crl(root).idp(new IssuingDistributionPoint(null, true, false, null, false, false)).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, crl(intermediate).build(),
                rootUserOnly), ReasonCode.REVOCATION_UNKNOWN, 1);
        X509CRL attributeOnly = crl(intermediate).idp(new IssuingDistributionPoint(null, false, false, null, false, true))
                .revoke(leaf).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, attributeOnly, rootCrl),
                ReasonCode.REVOCATION_UNKNOWN, 0);
        X509CRL indirect = crl(intermediate).idp(new IssuingDistributionPoint(null, false, false, null, true, false)).build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, indirect, rootCrl),
                ReasonCode.CRL_INVALID, 0);
        X509CRL someReasons = crl(intermediate).idp(new IssuingDistributionPoint(null, false, false,
                new org.bouncycastle.asn1.x509.ReasonFlags(org.bouncycastle.asn1.x509.ReasonFlags.keyCompromise), false, false))
                .build();
        assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, someReasons, rootCrl),
                ReasonCode.REVOCATION_UNKNOWN, 0);
    }

    @Test
    void distributionPointNamesMustMatchTheCertificates() {
        Issued withCdp = cert("CN=cdp").issuer(intermediate).leaf().crlDistributionPoint("http://crl.example/a.crl").build();
        X509CRL matching = crl(intermediate).idp(idp("http://crl.example/a.crl")).build();
        X509CRL other = crl(intermediate).idp(idp("http://crl.example/b.crl")).build();
        assertOk(validateWithCrls(withCdp, intermediate, root, RevocationMode.REQUIRE, matching, rootCrl));
        assertFails(validateWithCrls(withCdp, intermediate, root, RevocationMode.REQUIRE, other, rootCrl),
                ReasonCode.REVOCATION_UNKNOWN, 0);
    }

    @Test
    void largeCrlsAreParsedOncePerContent() {
        CrlCache cache = new CrlCache();
        ChainValidator validator = new ChainValidator(java.time.Clock.systemUTC(), PathBuildingLimits.DEFAULT, cache);
        X509CRL big = crl(intermediate).filler(10_000).revoke(leaf).build();
        for (int i = 0; i < 3; i++) {
            assertFails(validator.validate(Chains.request(leaf, List.of(intermediate), root)
                    .revocationMode(RevocationMode.REQUIRE).crls(List.of(big, rootCrl)).build()), ReasonCode.REVOKED, 0);
        }
        assertThat(cache.size()).isEqualTo(2);
        // the same bytes in a new object hit the digest index
        X509CRL copy = TestPki.crlCopy(big);
        assertFails(validator.validate(Chains.request(leaf, List.of(intermediate), root)
                .revocationMode(RevocationMode.REQUIRE).crls(List.of(copy, rootCrl)).build()), ReasonCode.REVOKED, 0);
        assertThat(cache.size()).isEqualTo(2);
    }

    private static IssuingDistributionPoint idp(String uri) {
        return new IssuingDistributionPoint(new DistributionPointName(
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri))), false, false);
    }
}
