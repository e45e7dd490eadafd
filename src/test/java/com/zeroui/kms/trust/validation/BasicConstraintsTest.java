package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.TestPki.cert;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/** basicConstraints present, critical and cA on every issuer (anchors too); pathLenConstraint; self-issued CAs. */
class BasicConstraintsTest {
    private final Issued root = TestPki.root("Root");

    @Test
    void anIntermediateWithoutBasicConstraintsOrWithCaFalseIsNotACa() {
        Issued noBc = cert("CN=No BC").issuer(root).keyUsage(KeyUsage.keyCertSign).build();
        assertFails(validate(TestPki.leaf("a.example", noBc), noBc, root), ReasonCode.NOT_A_CA, 1);
        Issued caFalse = cert("CN=Not CA").issuer(root).basicConstraints(true, new BasicConstraints(false))
                .keyUsage(KeyUsage.keyCertSign).build();
        assertFails(validate(TestPki.leaf("a.example", caFalse), caFalse, root), ReasonCode.NOT_A_CA, 1);
        Issued ca = TestPki.intermediate("CA", root);
        Issued leaf = TestPki.leaf("a.example", ca);
        Issued leafAsIssuer = TestPki.leaf("b.example", leaf);
        assertFails(validate(leafAsIssuer, List.of(leaf, ca), root), ReasonCode.NOT_A_CA, 1);
    }

    @Test
    void aRootWithoutBasicConstraintsIsNotACa() {
        Issued bareRoot = cert("CN=Bare Root").keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign).build();
        Issued intermediate = TestPki.intermediate("CA", bareRoot);
        assertFails(validate(TestPki.leaf("a.example", intermediate), intermediate, bareRoot), ReasonCode.NOT_A_CA, 2);
    }

    @Test
    void basicConstraintsMustBeCriticalOnCas() {
        Issued lax = cert("CN=Lax CA").issuer(root).basicConstraints(false, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign).build();
        assertFails(validate(TestPki.leaf("a.example", lax), lax, root), ReasonCode.BASIC_CONSTRAINTS, 1);
        Issued laxRoot = cert("CN=Lax Root").basicConstraints(false, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign).build();
        Issued under = TestPki.intermediate("CA", laxRoot);
        assertFails(validate(TestPki.leaf("a.example", under), under, laxRoot), ReasonCode.BASIC_CONSTRAINTS, 2);
        // a leaf may carry a non-critical cA=false
        Issued ca = TestPki.intermediate("CA", root);
        assertOk(validate(cert("CN=a").issuer(ca).leaf().basicConstraints(false, new BasicConstraints(false)).build(), ca, root));
        assertOk(validate(cert("CN=b").issuer(ca).leaf().without(Extension.basicConstraints).build(), ca, root));
    }

    @Test
    void pathLenConstraintCountsTheCasBelow() {
        Issued ca0 = cert("CN=CA0").issuer(root).ca(0).build();
        assertOk(validate(TestPki.leaf("a.example", ca0), ca0, root));
        Issued sub = TestPki.intermediate("Sub", ca0);
        assertFails(validate(TestPki.leaf("a.example", sub), List.of(sub, ca0), root), ReasonCode.PATH_LENGTH_EXCEEDED, 1);

        Issued ca1 = cert("CN=CA1").issuer(root).ca(1).build();
        Issued sub1 = TestPki.intermediate("Sub1", ca1);
        assertOk(validate(TestPki.leaf("a.example", sub1), List.of(sub1, ca1), root));
    }

    @Test
    void theAnchorsPathLenConstraintBindsThePath() {
        Issued tightRoot = cert("CN=Tight Root").ca(0).build();
        Issued ca = TestPki.intermediate("CA", tightRoot);
        assertFails(validate(TestPki.leaf("a.example", ca), ca, tightRoot), ReasonCode.PATH_LENGTH_EXCEEDED, 1);
        assertOk(validate(TestPki.leaf("a.example", tightRoot), List.of(), tightRoot));
    }

    @Test
    void selfIssuedIntermediatesDoNotCountTowardsPathLength() {
        // key rollover: CA0 (pathLen 0) certifies its own new key; leaves come from the new key
        Issued ca0 = cert("CN=CA0").issuer(root).ca(0).build();
        Issued rolled = cert("CN=CA0").issuer(ca0).ca(0).build();
        assertOk(validate(TestPki.leaf("a.example", rolled), List.of(rolled, ca0), root));
        // the same shape with a different name is a second CA level, which pathLen 0 forbids
        Issued other = cert("CN=Other").issuer(ca0).ca(0).build();
        assertFails(validate(TestPki.leaf("a.example", other), List.of(other, ca0), root),
                ReasonCode.PATH_LENGTH_EXCEEDED, 1);
    }

    @Test
    void pathLenWithoutCaIsRefusedOnTheLeaf() {
        Issued ca = TestPki.intermediate("CA", root);
        org.bouncycastle.asn1.ASN1EncodableVector v = new org.bouncycastle.asn1.ASN1EncodableVector();
        v.add(new org.bouncycastle.asn1.ASN1Integer(0)); // cA defaults to FALSE, pathLen 0
        Issued leaf = cert("CN=a").issuer(ca).leaf()
                .basicConstraints(true, BasicConstraints.getInstance(new org.bouncycastle.asn1.DERSequence(v))).build();
        assertFails(validate(leaf, ca, root), ReasonCode.BASIC_CONSTRAINTS, 0);
    }
}
