package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;

/** Signatures verify through JCA; the algorithm allow-list refuses weak and unknown algorithms. */
class SignatureAndAlgorithmTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);

    @Test
    void ecdsaRsaPssAndEd25519ChainsVerify() {
        KeyPair rsa = TestPki.rsa(2048);
        Issued rsaIntermediate = cert("CN=RSA CA").issuer(root).ca().keys(rsa).build();
        assertOk(validate(cert("CN=a.example").issuer(rsaIntermediate).leaf().build(), rsaIntermediate, root));
        assertOk(validate(cert("CN=b.example").issuer(rsaIntermediate).leaf().signatureAlgorithm("SHA384WITHRSAANDMGF1")
                .build(), rsaIntermediate, root));
        assertOk(validate(cert("CN=c.example").issuer(intermediate).leaf().keys(TestPki.ed25519()).build(),
                intermediate, root));
        Issued edIntermediate = cert("CN=Ed CA").issuer(root).ca().keys(TestPki.ed25519()).build();
        assertOk(validate(cert("CN=d.example").issuer(edIntermediate).leaf().build(), edIntermediate, root));
        assertOk(validate(cert("CN=e.example").issuer(intermediate).leaf().keys(TestPki.ec("secp384r1"))
                .signatureAlgorithm("SHA512withECDSA").build(), intermediate, root));
    }

    @Test
    void aCorruptedSignatureIsBadSignature() {
        Issued leaf = cert("CN=leaf").issuer(intermediate).leaf().corruptSignature().build();
        assertFails(validate(leaf, intermediate, root), ReasonCode.BAD_SIGNATURE, 0);
    }

    @Test
    void anIntermediateSignedByAnImpostorWithTheRootsNameIsBadSignature() {
        Issued forged = cert("CN=Intermediate,O=Test").signedBy(root.subject(), TestPki.ec()).ca()
                .akiKeyId(root.ski()).build();
        Issued leaf = TestPki.leaf("www.example.com", forged);
        assertFails(validate(leaf, forged, root), ReasonCode.BAD_SIGNATURE, 1);
    }

    @Test
    void sha1AndMd5SignaturesAreWeak() {
        KeyPair rsa = TestPki.rsa(2048);
        Issued rsaIntermediate = cert("CN=RSA CA").issuer(root).ca().keys(rsa).build();
        assertFails(validate(cert("CN=a").issuer(rsaIntermediate).leaf().signatureAlgorithm("SHA1withRSA").build(),
                rsaIntermediate, root), ReasonCode.WEAK_ALGORITHM, 0);
        assertFails(validate(cert("CN=a").issuer(rsaIntermediate).leaf().signatureAlgorithm("MD5withRSA").build(),
                rsaIntermediate, root), ReasonCode.WEAK_ALGORITHM, 0);
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().signatureAlgorithm("SHA1withECDSA").build(),
                intermediate, root), ReasonCode.WEAK_ALGORITHM, 0);
    }

    @Test
    void rsaKeysUnder2048BitsAreWeakWhereverTheyAre() {
        KeyPair small = TestPki.rsa(1024);
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().keys(small).build(), intermediate, root),
                ReasonCode.WEAK_ALGORITHM, 0);
        Issued smallCa = cert("CN=Small CA").issuer(root).ca().keys(small).build();
        assertFails(validate(TestPki.leaf("a.example", smallCa), smallCa, root), ReasonCode.WEAK_ALGORITHM, 1);
    }

    @Test
    void curvesOffTheListAreWeakOrUnsupported() {
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().keys(TestPki.ec("secp224r1")).build(),
                intermediate, root), ReasonCode.WEAK_ALGORITHM, 0);
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().keys(TestPki.ec("secp256k1")).build(),
                intermediate, root), ReasonCode.UNSUPPORTED_ALGORITHM, 0);
    }

    @Test
    void signatureAlgorithmsOffTheListAreUnsupported() {
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().signatureAlgorithm("SHA224withECDSA").build(),
                intermediate, root), ReasonCode.UNSUPPORTED_ALGORITHM, 0);
    }

    @Test
    void innerAndOuterSignatureAlgorithmsMustAgree() {
        Issued leaf = cert("CN=a").issuer(intermediate).leaf()
                .outerAlgorithm(new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA384)).build();
        assertFails(validate(leaf, intermediate, root), ReasonCode.MALFORMED, 0);
        Issued rsaLeafWithEcdsaOuter = cert("CN=b").issuer(intermediate).leaf()
                .outerAlgorithm(new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption)).build();
        assertFails(validate(rsaLeafWithEcdsaOuter, intermediate, root), ReasonCode.MALFORMED, 0);
    }

    @Test
    void verdictsAreTheSameWithTheJdksProvidersAlone() {
        ChainValidator jdkOnly = new ChainValidator(java.time.Clock.systemUTC(), PathBuildingLimits.DEFAULT, new CrlCache(),
                null);
        Issued rsaIntermediate = cert("CN=RSA CA").issuer(root).ca().keys(TestPki.rsa(2048)).build();
        List<Issued[]> chains = List.of(
                new Issued[] {TestPki.leaf("a.example", intermediate), intermediate},
                new Issued[] {cert("CN=b").issuer(intermediate).leaf().corruptSignature().build(), intermediate},
                new Issued[] {cert("CN=c").issuer(rsaIntermediate).leaf().signatureAlgorithm("SHA256WITHRSAANDMGF1").build(),
                    rsaIntermediate},
                new Issued[] {cert("CN=d").issuer(intermediate).leaf().keys(TestPki.ed25519()).build(), intermediate});
        for (Issued[] chain : chains) {
            ValidationRequest request = Chains.request(chain[0], List.of(chain[1]), root).build();
            assertThat(jdkOnly.validate(request).reason()).isEqualTo(Chains.VALIDATOR.validate(request).reason());
        }
        assertOk(jdkOnly.validate(Chains.request(chains.get(0)[0], List.of(intermediate), root).build()));
    }
}
