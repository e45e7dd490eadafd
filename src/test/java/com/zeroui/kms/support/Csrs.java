package com.zeroui.kms.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.trust.pki.SigningRequest;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

/** Key pairs, CSRs and enrollment bodies for certificate tests. */
public final class Csrs {
    private Csrs() {
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR asking for these URI SANs (a SPIFFE ID, role URNs). */
    public static String withUris(KeyPair keys, String... uris) {
        return SigningRequest.create(keys, Arrays.stream(uris)
                .map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)).toList());
    }

    public static String withNames(KeyPair keys, List<GeneralName> names) {
        return SigningRequest.create(keys, names);
    }

    public static ObjectNode body(String csr, String profile, String ttl) {
        ObjectNode n = KmsClient.JSON.createObjectNode().put("csr", csr);
        if (profile != null) {
            n.put("profile", profile);
        }
        if (ttl != null) {
            n.put("ttl", ttl);
        }
        return n;
    }

    public static X509Certificate certificate(String pem) {
        return Pem.parseCertificates(pem).get(0);
    }

    public static String spiffe(String tenant, String module) {
        return tenant == null ? "spiffe://zeroui.local/module/" + module
                : "spiffe://zeroui.local/tenant/" + tenant + "/module/" + module;
    }

    /** A client for the identity in an enrollment answer, presenting leaf + issuing CA. */
    public static KmsClient clientFor(TestNode node, KeyPair keys, com.fasterxml.jackson.databind.JsonNode enrolled) {
        X509Certificate leaf = certificate(enrolled.get("certificate").asText());
        X509Certificate issuing = certificate(enrolled.get("chain").get(0).asText());
        return KmsClient.fromCredential(node.baseUrl(), keys.getPrivate(), List.of(leaf, issuing),
                node.node().data().ca().ca().root());
    }
}
