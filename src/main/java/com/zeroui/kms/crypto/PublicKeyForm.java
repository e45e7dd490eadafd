package com.zeroui.kms.crypto;

import java.util.Map;
import java.util.Optional;

/**
 * How a key type's public key is published: its JWK key type ({@code kty}), its curve ({@code crv},
 * null when the form has none) and the JWK of an SPKI public key. One per family of key types
 * ({@link Jwks} holds them); a secret key type has none. The OpenAPI {@code Jwk} enums of {@code kty}
 * and {@code crv} are read from here.
 */
public record PublicKeyForm(String kty, String crv, Jwk jwk) {
    /** The public JWK of {@code spki}: {@code kid}, {@code alg} ({@code algorithm}'s JOSE name) and {@code use: sig}. */
    @FunctionalInterface
    public interface Jwk {
        Map<String, Object> of(byte[] spki, String kid, SignatureAlgorithm algorithm);
    }

    public Optional<String> curve() {
        return Optional.ofNullable(crv);
    }

    public Map<String, Object> jwk(byte[] spki, String kid, SignatureAlgorithm algorithm) {
        return jwk.of(spki, kid, algorithm);
    }
}
