package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static com.zeroui.kms.trust.validation.TestPki.dnsName;
import static com.zeroui.kms.trust.validation.TestPki.ipRange;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

/** Permitted and excluded subtrees for DNS, IP, email, directoryName and URI; anchors' constraints; self-issued exemption. */
class NameConstraintsTest {
    private final Issued root = TestPki.root("Root");

    private Issued constrainedCa(List<GeneralName> permitted, List<GeneralName> excluded) {
        return cert("CN=Constrained CA,O=Test").issuer(root).ca().nameConstraints(permitted, excluded).build();
    }

    @Test
    void dnsPermittedSubtreeCoversTheDomainAndItsSubdomainsOnly() {
        Issued ca = constrainedCa(List.of(dnsName("example.com")), null);
        assertOk(validate(cert("CN=x").issuer(ca).leaf().dns("www.example.com", "example.com").build(), ca, root));
        assertFails(validate(cert("CN=x").issuer(ca).leaf().dns("www.example.com", "www.evil.com").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
        assertFails(validate(cert("CN=x").issuer(ca).leaf().dns("badexample.com").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void dnsExcludedSubtreeWinsOverPermitted() {
        Issued ca = constrainedCa(List.of(dnsName("example.com")), List.of(dnsName("secret.example.com")));
        assertOk(validate(cert("CN=x").issuer(ca).leaf().dns("www.example.com").build(), ca, root));
        assertFails(validate(cert("CN=x").issuer(ca).leaf().dns("db.secret.example.com").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void ipRangesArePermittedAndExcludedByMask() {
        Issued ca = constrainedCa(List.of(ipRange("10.0.0.0", "255.0.0.0")), List.of(ipRange("10.9.0.0", "255.255.0.0")));
        assertOk(validate(cert("CN=x").issuer(ca).leaf().ip("10.1.2.3").build(), ca, root));
        assertFails(validate(cert("CN=x").issuer(ca).leaf().ip("192.168.1.1").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
        assertFails(validate(cert("CN=x").issuer(ca).leaf().ip("10.9.1.1").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void emailConstraintsApplyToRfc822NamesAndToEmailAddressInTheSubject() {
        Issued ca = constrainedCa(List.of(new GeneralName(GeneralName.rfc822Name, "example.com")), null);
        assertOk(validate(cert("CN=x").issuer(ca).leaf().email("alice@example.com").build(), ca, root));
        assertFails(validate(cert("CN=x").issuer(ca).leaf().email("mallory@evil.com").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
        assertFails(validate(cert("CN=x,E=mallory@evil.com").issuer(ca).leaf().build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void directoryNameConstraintsApplyToTheSubject() {
        Issued ca = constrainedCa(List.of(new GeneralName(new X500Name("O=Test"))), null);
        assertOk(validate(cert("O=Test,CN=leaf").issuer(ca).leaf().build(), ca, root));
        assertFails(validate(cert("O=Other,CN=leaf").issuer(ca).leaf().build(), ca, root), ReasonCode.NAME_CONSTRAINTS, 0);
        Issued excluding = constrainedCa(null, List.of(new GeneralName(new X500Name("O=Test,OU=Blocked"))));
        assertFails(validate(cert("O=Test,OU=Blocked,CN=leaf").issuer(excluding).leaf().build(), excluding, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
        assertOk(validate(cert("O=Test,OU=Fine,CN=leaf").issuer(excluding).leaf().build(), excluding, root));
    }

    @Test
    void uriConstraintsPinASpiffeTrustDomain() {
        Issued ca = constrainedCa(List.of(new GeneralName(GeneralName.uniformResourceIdentifier, "zeroui.local")), null);
        assertOk(validate(cert("CN=m21").issuer(ca).leaf().uri("spiffe://zeroui.local/tenant/acme/module/M21").build(),
                ca, root));
        assertFails(validate(cert("CN=m21").issuer(ca).leaf().uri("spiffe://evil.local/module/M21").build(), ca, root),
                ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void aCommonNameThatLooksLikeAHostIsCheckedWhenThereIsNoSubjectAltName() {
        Issued ca = constrainedCa(List.of(dnsName("example.com")), null);
        assertOk(validate(cert("CN=www.example.com").issuer(ca).leaf().build(), ca, root));
        assertFails(validate(cert("CN=www.evil.com").issuer(ca).leaf().build(), ca, root), ReasonCode.NAME_CONSTRAINTS, 0);
        // with a SAN, the CN is not a host name to anyone who follows RFC 6125
        assertOk(validate(cert("CN=www.evil.com").issuer(ca).leaf().dns("www.example.com").build(), ca, root));
    }

    @Test
    void theAnchorsOwnConstraintsBindThePath() {
        Issued constrainedRoot = cert("CN=Constrained Root").ca().nameConstraints(List.of(dnsName("example.com")), null)
                .build();
        Issued ca = TestPki.intermediate("CA", constrainedRoot);
        assertOk(validate(TestPki.leaf("a.example.com", ca), ca, constrainedRoot));
        assertFails(validate(TestPki.leaf("a.evil.com", ca), ca, constrainedRoot), ReasonCode.NAME_CONSTRAINTS, 0);
    }

    @Test
    void constraintsApplyToIntermediatesBelowButNotToSelfIssuedOnes() {
        Issued ca = cert("CN=A,O=Other").issuer(root).ca().nameConstraints(
                List.of(new GeneralName(new X500Name("O=Test"))), null).build();
        // a self-issued certificate (key rollover) of A is exempt from A's directoryName constraint
        Issued rolled = cert("CN=A,O=Other").issuer(ca).ca().build();
        assertOk(validate(cert("O=Test,CN=leaf").issuer(rolled).leaf().build(), List.of(rolled, ca), root));
        // a different CA named outside the constraint is not
        Issued sub = cert("CN=B,O=Other").issuer(ca).ca().build();
        assertFails(validate(cert("O=Test,CN=leaf").issuer(sub).leaf().build(), List.of(sub, ca), root),
                ReasonCode.NAME_CONSTRAINTS, 1);
    }

    @Test
    void constraintsOfSuccessiveCasIntersect() {
        Issued outer = cert("CN=Outer").issuer(root).ca().nameConstraints(List.of(dnsName("example.com")), null).build();
        Issued inner = cert("CN=Inner").issuer(outer).ca().nameConstraints(List.of(dnsName("evil.com")), null).build();
        // inner's wider grant cannot escape outer's
        assertFails(validate(TestPki.leaf("a.evil.com", inner), List.of(inner, outer), root), ReasonCode.NAME_CONSTRAINTS, 0);
        Issued narrower = cert("CN=Narrower").issuer(outer).ca()
                .nameConstraints(List.of(dnsName("shop.example.com")), null).build();
        assertOk(validate(TestPki.leaf("a.shop.example.com", narrower), List.of(narrower, outer), root));
        assertFails(validate(TestPki.leaf("a.example.com", narrower), List.of(narrower, outer), root),
                ReasonCode.NAME_CONSTRAINTS, 0);
    }

    /** A constraint on a form we cannot process binds only names of that form: with none, there is nothing to refuse. */
    @Test
    void constraintsOnNameFormsWeCannotEnforceRefuseOnlyNamesOfThatForm() {
        Issued ca = constrainedCa(List.of(new GeneralName(GeneralName.registeredID, "1.2.3.4")), null);
        assertOk(validate(TestPki.leaf("a.example", ca), ca, root));
        Issued withRegisteredId = cert("CN=x").issuer(ca).leaf()
                .ext(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                        new GeneralName[] {new GeneralName(GeneralName.registeredID, "1.2.3.5")})).build();
        assertFails(validate(withRegisteredId, ca, root), ReasonCode.NAME_CONSTRAINTS, 0);
    }
}
