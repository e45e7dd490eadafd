package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.TestPki.cert;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/** keyUsage on issuers and per purpose on the leaf; extendedKeyUsage on the leaf and on issuers. */
class KeyUsageTest {
    private final Issued root = TestPki.root("Root");
    private final Issued intermediate = TestPki.intermediate("Intermediate", root);

    private ValidationResult validate(Issued leaf, Purpose purpose) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(intermediate), root).purpose(purpose).build());
    }

    private ValidationResult validate(Issued leaf, Issued ca, Purpose purpose) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(ca), root).purpose(purpose).build());
    }

    private ValidationResult webpki(Issued leaf, Issued ca, Purpose purpose) {
        return Chains.VALIDATOR.validate(Chains.request(leaf, List.of(ca), root).purpose(purpose)
                .profile(Profile.WEBPKI).build());
    }

    @Test
    void issuersNeedKeyCertSign() {
        Issued crlOnly = cert("CN=CRL only").issuer(root).basicConstraints(true, new BasicConstraints(true))
                .keyUsage(KeyUsage.cRLSign).build();
        assertFails(validate(TestPki.leaf("a.example", crlOnly), crlOnly, Purpose.ANY), ReasonCode.KEY_USAGE, 1);
        // RFC 5280 §6.1.4 (n) checks keyUsage only when present; the webpki profile requires it on CAs
        Issued noKu = cert("CN=No KU").issuer(root).basicConstraints(true, new BasicConstraints(true)).build();
        assertOk(validate(TestPki.leaf("a.example", noKu), noKu, Purpose.ANY));
        assertFails(webpki(TestPki.leaf("a.example", noKu), noKu, Purpose.SERVER_AUTH), ReasonCode.KEY_USAGE, 1);
        assertOk(validate(TestPki.leaf("a.example", intermediate), Purpose.ANY));
    }

    /** RFC 5280 has no purpose-based keyUsage rule: it is the webpki profile's (Baseline Requirements, TLS). */
    @Test
    void serverLeavesNeedDigitalSignatureKeyEnciphermentOrKeyAgreementUnderWebPki() {
        assertOk(webpki(cert("CN=a.example").issuer(intermediate).leaf().dns("a.example").keyUsage(KeyUsage.keyEncipherment)
                .build(), intermediate, Purpose.SERVER_AUTH));
        assertOk(webpki(cert("CN=b.example").issuer(intermediate).leaf().dns("b.example").keyUsage(KeyUsage.keyAgreement)
                .build(), intermediate, Purpose.SERVER_AUTH));
        Issued nonRepudiation = cert("CN=c.example").issuer(intermediate).leaf().dns("c.example")
                .keyUsage(KeyUsage.nonRepudiation).build();
        assertFails(webpki(nonRepudiation, intermediate, Purpose.SERVER_AUTH), ReasonCode.KEY_USAGE, 0);
        assertOk(validate(nonRepudiation, Purpose.SERVER_AUTH));
        assertOk(webpki(cert("CN=d.example").issuer(intermediate).leaf().dns("d.example").without(Extension.keyUsage).build(),
                intermediate, Purpose.SERVER_AUTH));
    }

    @Test
    void clientLeavesNeedDigitalSignatureOrKeyAgreementUnderWebPki() {
        assertOk(webpki(TestPki.leaf("a.example", intermediate), intermediate, Purpose.CLIENT_AUTH));
        Issued encipherOnly = cert("CN=a.example").issuer(intermediate).leaf().dns("a.example")
                .keyUsage(KeyUsage.keyEncipherment).build();
        assertFails(webpki(encipherOnly, intermediate, Purpose.CLIENT_AUTH), ReasonCode.KEY_USAGE, 0);
        assertOk(validate(encipherOnly, Purpose.CLIENT_AUTH));
        assertOk(validate(encipherOnly, Purpose.ANY));
    }

    @Test
    void keyCertSignWithoutCaIsRefused() {
        assertFails(validate(cert("CN=a").issuer(intermediate).leaf()
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign).build(), Purpose.ANY), ReasonCode.KEY_USAGE, 0);
    }

    @Test
    void leafExtendedKeyUsageMustAllowThePurpose() {
        Issued clientOnly = cert("CN=client").issuer(intermediate).leaf().eku(KeyPurposeId.id_kp_clientAuth).build();
        assertOk(validate(clientOnly, Purpose.CLIENT_AUTH));
        assertFails(validate(clientOnly, Purpose.SERVER_AUTH), ReasonCode.EXTENDED_KEY_USAGE, 0);
        assertOk(validate(clientOnly, Purpose.ANY));
        Issued anyEku = cert("CN=any").issuer(intermediate).leaf().eku(KeyPurposeId.anyExtendedKeyUsage).build();
        assertOk(validate(anyEku, Purpose.SERVER_AUTH));
        Issued noEku = cert("CN=none").issuer(intermediate).leaf().without(Extension.extendedKeyUsage).build();
        assertOk(validate(noEku, Purpose.SERVER_AUTH));
        Issued codeSigning = cert("CN=code").issuer(intermediate).leaf().eku(KeyPurposeId.id_kp_codeSigning).build();
        assertFails(validate(codeSigning, Purpose.CLIENT_AUTH), ReasonCode.EXTENDED_KEY_USAGE, 0);
    }

    @Test
    void anIssuersExtendedKeyUsageConstrainsTheLeafsPurpose() {
        Issued clientCa = cert("CN=Client CA").issuer(root).ca().eku(KeyPurposeId.id_kp_clientAuth).build();
        Issued leaf = TestPki.leaf("a.example", clientCa);
        assertOk(validate(leaf, clientCa, Purpose.CLIENT_AUTH));
        assertFails(validate(leaf, clientCa, Purpose.SERVER_AUTH), ReasonCode.EXTENDED_KEY_USAGE, 1);
    }
}
