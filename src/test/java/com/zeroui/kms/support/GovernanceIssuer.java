package com.zeroui.kms.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An external governance system (M32 or another) minting approval tokens with its own key, as the
 * claim set docs/key-lifecycle.md describes: a compact JWS built by hand with JCA, so the test does not share
 * code with the service it checks.
 */
public final class GovernanceIssuer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final String name;
    private final KeyPair keys;
    private final String alg;

    private GovernanceIssuer(String name, KeyPair keys, String alg) {
        this.name = name;
        this.keys = keys;
        this.alg = alg;
    }

    public static GovernanceIssuer ed25519(String name) {
        return new GovernanceIssuer(name, generate("Ed25519", 0), "EdDSA");
    }

    /** RSA-2048 signing with {@code alg} RS256 or PS256. */
    public static GovernanceIssuer rsa(String name, String alg) {
        return new GovernanceIssuer(name, generate("RSA", 2048), alg);
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    /** Writes the public key as a PEM file and returns {@code name=path} for --approval-issuer. */
    public Path writePublicKey(Path dir) {
        Path file = dir.resolve(name + ".pem");
        try {
            Files.writeString(file, Pem.publicKey(keys.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The standard claims for one approval; callers adjust the map before {@link #sign}. */
    public Map<String, Object> claims(String jti, String operation, String keyId, String tenantId, String parametersDigest,
                                      String requestedBy, String approvedBy, Instant issuedAt, Instant expiresAt) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", name);
        c.put("jti", jti);
        c.put("iat", issuedAt.getEpochSecond());
        c.put("exp", expiresAt.getEpochSecond());
        c.put("operation", operation);
        if (keyId != null) {
            c.put("key_id", keyId);
        }
        c.put("tenant_id", tenantId);
        c.put("parameters_digest", parametersDigest);
        c.put("requested_by", requestedBy);
        c.put("approved_by", approvedBy);
        c.put("approver_roles", List.of("approver"));
        return c;
    }

    public String sign(Map<String, Object> claims) {
        try {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("alg", alg);
            header.put("typ", "kms-approval+jwt");
            String input = B64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signer = switch (alg) {
                case "EdDSA" -> Signature.getInstance("Ed25519");
                case "RS256" -> Signature.getInstance("SHA256withRSA");
                case "PS256" -> {
                    Signature pss = Signature.getInstance("RSASSA-PSS");
                    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    yield pss;
                }
                default -> throw new IllegalArgumentException(alg);
            };
            signer.initSign(keys.getPrivate());
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(signer.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of the RFC 8785 canonical JSON (the canonicalizer CanonicalJsonTest checks against the RFC), as docs/key-lifecycle.md documents it. */
    public static String digest(Map<String, Object> parameters) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(com.zeroui.kms.audit.CanonicalJson.bytes(parameters));
            return "sha256:" + java.util.HexFormat.of().formatHex(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
