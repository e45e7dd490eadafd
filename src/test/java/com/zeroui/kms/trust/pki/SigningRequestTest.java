package com.zeroui.kms.trust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.Csrs;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class SigningRequestTest {
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private static String csr(KeyPair keys, String signature, List<GeneralName> sans) throws Exception {
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=t"),
                keys.getPublic());
        if (!sans.isEmpty()) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        // Bouncy Castle's provider only to sign (the JDK has no name for RSASSA-PSS with SHA-256 and MGF1)
        return Pem.encode("CERTIFICATE REQUEST", builder.build(new JcaContentSignerBuilder(signature)
                .setProvider(BC).build(keys.getPrivate())).getEncoded());
    }

    private static KmsException refusal(String pem) {
        try {
            SigningRequest.parse(pem);
        } catch (KmsException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.details().get("field")).isEqualTo("csr");
            return e;
        }
        throw new AssertionError("accepted: " + pem);
    }

    @Test
    void readsTheKeyAndTheRequestedNames() throws Exception {
        KeyPair keys = Csrs.ec("secp256r1");
        SigningRequest parsed = SigningRequest.parse(csr(keys, "SHA384withECDSA", List.of(
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://zeroui.local/module/M1"),
                new GeneralName(GeneralName.dNSName, "a.example"), new GeneralName(GeneralName.iPAddress, "192.0.2.7"),
                new GeneralName(GeneralName.iPAddress, "2001:db8::1"))));
        assertThat(parsed.publicKey()).isEqualTo(keys.getPublic());
        assertThat(parsed.keyAlgorithm()).isEqualTo("EC-P256");
        assertThat(parsed.uris()).containsExactly("spiffe://zeroui.local/module/M1");
        assertThat(parsed.dnsNames()).containsExactly("a.example");
        assertThat(parsed.ipAddresses()).containsExactly("192.0.2.7", "2001:db8:0:0:0:0:0:1");
        assertThat(SigningRequest.parse(csr(keys, "SHA256withECDSA", List.of())).uris()).isEmpty();
    }

    @Test
    void acceptsTheListedKeysAndSignatures() throws Exception {
        assertThat(SigningRequest.parse(csr(Csrs.ec("secp384r1"), "SHA384withECDSA", List.of())).keyAlgorithm()).isEqualTo("EC-P384");
        assertThat(SigningRequest.parse(csr(Csrs.rsa(3072), "SHA512withRSA", List.of())).keyAlgorithm()).isEqualTo("RSA-3072");
        assertThat(SigningRequest.parse(csr(Csrs.ed25519(), "Ed25519", List.of())).keyAlgorithm()).isEqualTo("Ed25519");
    }

    @Test
    void refusesWeakKeysOtherAlgorithmsAndWeakSignatures() throws Exception {
        assertThat(refusal(csr(Csrs.rsa(1024), "SHA256withRSA", List.of())).details().get("reason")).isEqualTo("unsupported_key");
        assertThat(refusal(csr(Csrs.ec("secp521r1"), "SHA512withECDSA", List.of())).getMessage()).contains("P-256 and P-384");
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        assertThat(refusal(csr(ed448, "Ed448", List.of())).details().get("reason")).isEqualTo("unsupported_key");
        assertThat(refusal(csr(Csrs.rsa(2048), "SHA1withRSA", List.of())).getMessage()).contains("signed with algorithm");
        assertThat(refusal(csr(Csrs.rsa(2048), "SHA256withRSAandMGF1", List.of())).getMessage()).as("RSASSA-PSS")
                .contains("signed with algorithm 1.2.840.113549.1.1.10");
    }

    @Test
    void refusesWhatIsNotOneWellFormedSelfSignedRequest() throws Exception {
        String good = csr(Csrs.ec("secp256r1"), "SHA256withECDSA", List.of());
        refusal("");
        refusal("MIIB");
        refusal(good.replace("CERTIFICATE REQUEST", "CERTIFICATE"));
        refusal(good + good);
        refusal("-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n");
        refusal(good.substring(0, 40) + "x".repeat(SigningRequest.MAX_PEM_CHARS));
        // signed by another key than the one it names
        KeyPair named = Csrs.ec("secp256r1");
        KeyPair other = Csrs.ec("secp256r1");
        String forged = Pem.encode("CERTIFICATE REQUEST", new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=t"),
                named.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate())).getEncoded());
        assertThat(refusal(forged).getMessage()).contains("signature does not verify");
        assertThat(refusal(csr(named, "SHA256withECDSA", List.of(new GeneralName(GeneralName.rfc822Name, "a@b.example"))))
                .getMessage()).contains("only URI, DNS and IP");
    }

    @Test
    void createMakesRequestsThatParse() {
        KeyPair keys = Csrs.ed25519();
        SigningRequest parsed = SigningRequest.parse(SigningRequest.create(keys, List.of(
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://zeroui.local/module/M9"))));
        assertThat(parsed.uris()).containsExactly("spiffe://zeroui.local/module/M9");
        assertThatThrownBy(() -> SigningRequest.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
