package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.Chains.validateWithCrls;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static com.zeroui.kms.trust.validation.TestPki.crl;
import static com.zeroui.kms.trust.validation.TestPki.dnsName;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PolicyConstraints;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.junit.jupiter.api.Test;

/** Issue 11 §6: the RFC 5280 (default profile) conformance defects, each on one chain. */
class Rfc5280ConformanceTest {
    private final Issued root = TestPki.root("Root");

    private Issued constrainedCa(List<GeneralName> permitted, List<GeneralName> excluded) {
        return cert("CN=Constrained CA,O=Test").issuer(root).ca().nameConstraints(permitted, excluded).build();
    }

    @Test
    void aWildcardSanFailsWhenAnExcludedSubtreeHoldsANameItCanMatch() {
        Issued ca = constrainedCa(null, List.of(dnsName("bar.example.com")));
        ValidationResult result = validate(cert("CN=x").issuer(ca).leaf().dns("*.example.com").build(), ca, root);
        assertFails(result, ReasonCode.NAME_CONSTRAINTS, 0);
        assertThat(result.detail()).contains("bar.example.com");
        // a deeper excluded name is not one the wildcard can match; another domain is untouched
        Issued deeper = constrainedCa(null, List.of(dnsName("a.bar.example.com")));
        assertOk(validate(cert("CN=x").issuer(deeper).leaf().dns("*.example.com").build(), deeper, root));
        assertOk(validate(cert("CN=x").issuer(ca).leaf().dns("*.other.com").build(), ca, root));
    }

    @Test
    void nameConstraintsInAnEndEntityCertificateAreRefused() {
        Issued intermediate = TestPki.intermediate("Intermediate", root);
        Issued leaf = cert("CN=x").issuer(intermediate).leaf().dns("a.example.com")
                .nameConstraints(List.of(dnsName("example.com")), null).build();
        assertFails(validate(leaf, intermediate, root), ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void aDnsConstraintWithALeadingPeriodIsNotADnsName() {
        Issued ca = constrainedCa(List.of(dnsName(".example.com")), null);
        assertFails(validate(TestPki.leaf("a.example.com", ca), ca, root), ReasonCode.NAME_CONSTRAINTS, 1);
    }

    @Test
    void nonCriticalNameConstraintsAndPolicyConstraintsAreRefused() {
        Issued nc = cert("CN=NC,O=Test").issuer(root).ca().ext(Extension.nameConstraints, false,
                new NameConstraints(TestPki.subtrees(List.of(dnsName("example.com"))), null)).build();
        assertFails(validate(TestPki.leaf("a.example.com", nc), nc, root), ReasonCode.NAME_CONSTRAINTS, 1);
        Issued pc = cert("CN=PC,O=Test").issuer(root).ca().ext(Extension.policyConstraints, false,
                new PolicyConstraints(BigInteger.ZERO, null)).build();
        assertFails(validate(TestPki.leaf("a.example.com", pc), pc, root), ReasonCode.MALFORMED, 1);
    }

    @Test
    void aTrustAnchorThatIsNotSelfSignedNeedsAnAuthorityKeyIdentifier() {
        Issued anchor = cert("CN=Cross,O=Test").issuer(root).ca().without(Extension.authorityKeyIdentifier).build();
        ValidationResult result = validate(TestPki.leaf("a.example.com", anchor), List.of(), anchor);
        assertFails(result, ReasonCode.MISSING_AKI, 1);
        Issued withAki = TestPki.intermediate("Intermediate", root);
        assertOk(validate(TestPki.leaf("a.example.com", withAki), List.of(), withAki));
    }

    @Test
    void nameConstraintWorkIsCountedAndRefusedOverTheLimitWithAShortDetail() {
        List<GeneralName> excluded = new ArrayList<>();
        String[] sans = new String[2048];
        for (int i = 0; i < 2048; i++) {
            excluded.add(dnsName("x" + i + ".example.org"));
            sans[i] = "host" + i + ".example.com";
        }
        Issued ca = constrainedCa(null, excluded);
        Issued leaf = cert("CN=x").issuer(ca).leaf().dns(sans).build();
        ValidationResult result = validate(leaf, ca, root);
        assertFails(result, ReasonCode.NAME_CONSTRAINTS_LIMIT, 1);
        assertThat(result.detail().length()).isLessThanOrEqualTo(ValidationResult.MAX_DETAIL + 1);

        // a large but real-world size passes: 100 constraints, 100 names
        Issued hundred = constrainedCa(null, excluded.subList(0, 100));
        Issued many = cert("CN=x").issuer(hundred).leaf().dns(java.util.Arrays.copyOf(sans, 100)).build();
        assertOk(validate(many, hundred, root));
        // many names against few constraints is cheap and fine; against many constraints it is counted at the leaf
        Issued few = constrainedCa(null, excluded.subList(0, 2));
        assertOk(validate(cert("CN=x").issuer(few).leaf().dns(sans).build(), few, root));
        Issued twoHundred = constrainedCa(null, excluded.subList(0, 200));
        assertFails(validate(cert("CN=x").issuer(twoHundred).leaf().dns(sans).build(), twoHundred, root),
                ReasonCode.NAME_CONSTRAINTS_LIMIT, 0);
    }

    @Test
    void aCrlIssuerAndAnAnchorWithoutKeyUsageAreAcceptedKeyUsageIsCheckedOnlyWhenPresent() {
        Issued bareRoot = cert("CN=Bare Root,O=Test").basicConstraints(true, new BasicConstraints(true)).build();
        Issued noKu = cert("CN=No KU CA,O=Test").issuer(bareRoot).basicConstraints(true, new BasicConstraints(true)).build();
        Issued leaf = TestPki.leaf("a.example.com", noKu);
        ValidationResult result = validateWithCrls(leaf, noKu, bareRoot, RevocationMode.REQUIRE,
                crl(noKu).build(), crl(bareRoot).build());
        assertOk(result);
        assertThat(result.revocation().status()).isEqualTo(RevocationStatus.Status.GOOD);
        assertFails(validateWithCrls(leaf, noKu, bareRoot, RevocationMode.REQUIRE, crl(noKu).revoke(leaf).build(),
                crl(bareRoot).build()), ReasonCode.REVOKED, 0);
    }

    @Test
    void aTrustAnchorWithSerialNumberZeroIsTrustedByConfiguration() {
        Issued zeroRoot = cert("CN=Zero Root,O=Test").ca().serial(BigInteger.ZERO).build();
        Issued intermediate = TestPki.intermediate("Intermediate", zeroRoot);
        assertOk(validate(TestPki.leaf("a.example.com", intermediate), intermediate, zeroRoot));
        Issued zeroIntermediate = cert("CN=Zero CA,O=Test").issuer(root).ca().serial(BigInteger.ZERO).build();
        assertFails(validate(TestPki.leaf("a.example.com", zeroIntermediate), zeroIntermediate, root),
                ReasonCode.INVALID_SERIAL, 1);
    }

    @Test
    void anInvalidCrlIsAFailureInEveryModeButNone() {
        Issued intermediate = TestPki.intermediate("Intermediate", root);
        Issued leaf = TestPki.leaf("a.example.com", intermediate);
        var rootCrl = crl(root).build();
        for (var invalid : List.of(crl(intermediate).noCrlNumber().build(), crl(intermediate).criticalCrlNumber().build())) {
            assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.BEST_EFFORT, invalid, rootCrl),
                    ReasonCode.CRL_INVALID, 0);
            assertFails(validateWithCrls(leaf, intermediate, root, RevocationMode.REQUIRE, invalid, rootCrl),
                    ReasonCode.CRL_INVALID, 0);
            assertOk(validateWithCrls(leaf, intermediate, root, RevocationMode.NONE, invalid, rootCrl));
        }
        Issued noCrlSign = cert("CN=No CRL sign,O=Test").issuer(root).basicConstraints(true, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign).build();
        Issued leaf2 = TestPki.leaf("a.example.com", noCrlSign);
        assertFails(validateWithCrls(leaf2, noCrlSign, root, RevocationMode.BEST_EFFORT, crl(noCrlSign).build(), rootCrl),
                ReasonCode.CRL_INVALID, 0);
        // a usable current CRL beside the invalid one still vouches
        assertOk(validateWithCrls(leaf, intermediate, root, RevocationMode.BEST_EFFORT,
                crl(intermediate).noCrlNumber().build(), crl(intermediate).build(), rootCrl));
    }

    @Test
    void anAnchorTheJdkRefusesGetsAVerdict() {
        // empty issuer name: valid DER that the JDK's parser refuses
        KeyPair rootKeys = TestPki.ec();
        Issued odd = cert("CN=Odd Root,O=Test").ca().keys(rootKeys).signedBy(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                rootKeys).build();
        Issued leaf = TestPki.leaf("a.example.com", odd);
        assertOk(validate(leaf, List.of(), odd));

        // explicit EC parameters: a verdict (named curves only), not an exception
        KeyPair keys = TestPki.ec();
        X9ECParameters p256 = SECNamedCurves.getByName("secp256r1");
        byte[] point = ((ECPublicKey) keys.getPublic()).getW().getAffineX().toByteArray();
        SubjectPublicKeyInfo named = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        SubjectPublicKeyInfo explicit = new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, p256), named.getPublicKeyData().getBytes());
        Issued explicitRoot = cert("CN=Explicit Root,O=Test").ca().keys(keys).spki(explicit).build();
        Issued leaf2 = TestPki.leaf("b.example.com", explicitRoot);
        ValidationResult result = validate(leaf2, List.of(), explicitRoot);
        assertFails(result, ReasonCode.UNSUPPORTED_ALGORITHM);
        assertThat(point).isNotEmpty();
    }

    @Test
    void aDnsNameSanOutsideThePreferredNameSyntaxIsMalformed() {
        Issued intermediate = TestPki.intermediate("Intermediate", root);
        for (String bad : List.of("foo_bar.example.com", "-a.example.com", "a..example.com", "example.com.", "a b.example")) {
            ValidationResult result = validate(cert("CN=x").issuer(intermediate).leaf().dns(bad).build(), intermediate, root);
            assertFails(result, ReasonCode.MALFORMED, 0);
            assertThat(result.detail()).contains("preferred name syntax");
        }
        assertOk(validate(cert("CN=x").issuer(intermediate).leaf().dns("a-1.example.com", "*.example.com", "localhost")
                .build(), intermediate, root));
    }

    @Test
    void maxPathLengthLimitsTheIntermediates() {
        Issued i1 = TestPki.intermediate("I1", root);
        Issued i2 = TestPki.intermediate("I2", i1);
        Issued leaf = TestPki.leaf("a.example.com", i2);
        assertOk(Chains.VALIDATOR.validate(Chains.request(leaf, List.of(i2, i1), root).maxPathLength(2).build()));
        ValidationResult one = Chains.VALIDATOR.validate(Chains.request(leaf, List.of(i2, i1), root).maxPathLength(1).build());
        assertFails(one, ReasonCode.PATH_LENGTH_EXCEEDED);
        assertThat(one.detail()).contains("max_path_length");
        assertOk(Chains.VALIDATOR.validate(Chains.request(TestPki.leaf("b.example.com", root), List.of(), root)
                .maxPathLength(0).build()));
    }

    @Test
    void aLongDetailIsCutToOneShortSentence() {
        ValidationResult r = new ValidationResult(false, ReasonCode.MALFORMED, "x".repeat(100_000), List.of(), -1,
                RevocationStatus.NOT_CHECKED);
        assertThat(r.detail()).hasSize(ValidationResult.MAX_DETAIL + 1);
        assertThat(new DEROctetString(new byte[1])).isNotNull();
    }
}
