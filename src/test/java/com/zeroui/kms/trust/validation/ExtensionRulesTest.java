package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.TestPki.cert;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/** Critical extensions, AKI/SKI, serial numbers and encoding rules. */
class ExtensionRulesTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);

    @Test
    void unknownCriticalExtensionsAreRefusedEverywhere() {
        assertOk(validate(cert("CN=a").issuer(intermediate).leaf().unknownExt(false).build(), intermediate, root));
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().unknownExt(true).build(), intermediate, root),
                ReasonCode.UNKNOWN_CRITICAL_EXTENSION, 0);
        Issued ca = cert("CN=Odd CA").issuer(root).ca().unknownExt(true).build();
        assertFails(validate(TestPki.leaf("a.example", ca), ca, root), ReasonCode.UNKNOWN_CRITICAL_EXTENSION, 1);
        Issued oddRoot = cert("CN=Odd Root").ca().unknownExt(true).build();
        Issued under = TestPki.intermediate("CA", oddRoot);
        assertFails(validate(TestPki.leaf("a.example", under), under, oddRoot), ReasonCode.UNKNOWN_CRITICAL_EXTENSION, 2);
    }

    @Test
    void policyConstraintsAreNotProcessedSoTheirCriticalFormIsRefused() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new org.bouncycastle.asn1.DERTaggedObject(false, 0, new ASN1Integer(0)));
        Issued ca = cert("CN=Policy CA").issuer(root).ca().ext(Extension.policyConstraints, true, new DERSequence(v)).build();
        assertFails(validate(TestPki.leaf("a.example", ca), ca, root), ReasonCode.UNKNOWN_CRITICAL_EXTENSION, 1);
    }

    @Test
    void certificatesThatAreNotSelfSignedNeedAnAuthorityKeyIdentifier() {
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf().without(Extension.authorityKeyIdentifier).build(),
                intermediate, root), ReasonCode.MISSING_AKI, 0);
        Issued noAki = cert("CN=No AKI CA").issuer(root).ca().without(Extension.authorityKeyIdentifier).build();
        assertFails(validate(TestPki.leaf("a.example", noAki), noAki, root), ReasonCode.MISSING_AKI, 1);
        // the standard root has no AKI: self-signed certificates may omit it
        assertOk(validate(TestPki.leaf("a.example", intermediate), intermediate, root));
    }

    @Test
    void casNeedASubjectKeyIdentifier() {
        Issued noSki = cert("CN=No SKI CA").issuer(root).ca().without(Extension.subjectKeyIdentifier).build();
        assertFails(validate(TestPki.leaf("a.example", noSki), noSki, root), ReasonCode.MISSING_SKI, 1);
        Issued noSkiRoot = cert("CN=No SKI Root").ca().without(Extension.subjectKeyIdentifier).build();
        Issued under = TestPki.intermediate("CA", noSkiRoot);
        assertFails(validate(TestPki.leaf("a.example", under), under, noSkiRoot), ReasonCode.MISSING_SKI, 2);
        // leaves may omit it
        assertOk(validate(cert("CN=a").issuer(intermediate).leaf().without(Extension.subjectKeyIdentifier).build(),
                intermediate, root));
    }

    @Test
    void theAuthorityKeyIdentifierMustMatchTheIssuersSubjectKeyIdentifier() {
        Issued leaf = cert("CN=a").issuer(intermediate).leaf().akiKeyId(new byte[] {1, 2, 3, 4}).build();
        assertFails(validate(leaf, intermediate, root), ReasonCode.AKI_MISMATCH, 0);
        Issued wrongSerial = cert("CN=b").issuer(intermediate).leaf().ext(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(intermediate.ski(),
                new GeneralNames(new GeneralName(root.subject())), BigInteger.valueOf(7))).build();
        assertFails(validate(wrongSerial, intermediate, root), ReasonCode.AKI_MISMATCH, 0);
    }

    @Test
    void keyIdentifierExtensionsMustNotBeCritical() {
        Issued leaf = cert("CN=a").issuer(intermediate).leaf()
                .ext(Extension.authorityKeyIdentifier, true, new AuthorityKeyIdentifier(intermediate.ski())).build();
        assertFails(validate(leaf, intermediate, root), ReasonCode.MALFORMED, 0);
        Issued leaf2 = cert("CN=b").issuer(intermediate).leaf()
                .ext(Extension.subjectKeyIdentifier, true, new DEROctetString(new byte[] {9, 9})).build();
        assertFails(validate(leaf2, intermediate, root), ReasonCode.MALFORMED, 0);
    }

    @Test
    void serialNumbersArePositiveAndAtMostTwentyOctets() {
        BigInteger twentyOctets = BigInteger.ONE.shiftLeft(158).add(BigInteger.valueOf(12345));
        assertOk(validate(cert("CN=a").issuer(intermediate).leaf().serial(twentyOctets).build(), intermediate, root));
        assertOk(validate(cert("CN=b").issuer(intermediate).leaf().serial(BigInteger.ONE).build(), intermediate, root));
        BigInteger twentyOneOctets = BigInteger.ONE.shiftLeft(160);
        assertFails(validate(cert("CN=c").issuer(intermediate).leaf().serial(twentyOneOctets).build(), intermediate, root),
                ReasonCode.INVALID_SERIAL, 0);
        assertFails(validate(cert("CN=d").issuer(intermediate).leaf().serial(BigInteger.valueOf(-5)).build(), intermediate,
                root), ReasonCode.INVALID_SERIAL, 0);
        assertFails(validate(cert("CN=e").issuer(intermediate).leaf().serial(BigInteger.ZERO).build(), intermediate, root),
                ReasonCode.INVALID_SERIAL, 0);
        Issued badCa = cert("CN=Neg CA").issuer(root).ca().serial(BigInteger.valueOf(-1)).build();
        assertFails(validate(TestPki.leaf("a.example", badCa), badCa, root), ReasonCode.INVALID_SERIAL, 1);
    }

    @Test
    void duplicateExtensionsAndEmptyKeyUsageAreMalformed() {
        Issued dup = cert("CN=a").issuer(intermediate).leaf()
                .extraExt(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment)).build();
        assertFails(validate(dup, intermediate, root), ReasonCode.MALFORMED, 0);
        Issued emptyKu = cert("CN=b").issuer(intermediate).leaf().keyUsage(0).build();
        assertFails(validate(emptyKu, intermediate, root), ReasonCode.MALFORMED, 0);
        Issued badBc = cert("CN=c").issuer(intermediate).leaf()
                .ext(Extension.basicConstraints, true, new DEROctetString(new byte[] {1})).build();
        assertFails(validate(badBc, intermediate, root), ReasonCode.MALFORMED, 0);
        // a well-formed basicConstraints for contrast
        assertOk(validate(cert("CN=d").issuer(intermediate).leaf().basicConstraints(true, new BasicConstraints(false))
                .build(), intermediate, root));
    }

    @Test
    void anEmptySubjectNeedsACriticalSubjectAltName() {
        Issued ok = cert("").issuer(intermediate).leaf().dns("a.example").build(); // SAN made critical by the builder
        assertOk(validate(ok, intermediate, root));
    }
}
