package com.zeroui.kms.crypto;

import java.util.Map;

/**
 * How a key type's public key is published: its JWK key type ({@code kty}) and the JWK of an SPKI
 * public key. One per family of key types ({@link Jwks} holds them); a secret key type has none.
 */
public record PublicKeyForm(String kty, Jwk jwk) {
    /** The public JWK of {@code spki}: {@code kid}, {@code alg} ({@code algorithm}'s JOSE name) and {@code use: sig}. */
    @FunctionalInterface
    public interface Jwk {
        Map<String, Object> of(byte[] spki, String kid, SignatureAlgorithm algorithm);
    }

    public Map<String, Object> jwk(byte[] spki, String kid, SignatureAlgorithm algorithm) {
        return jwk.of(spki, kid, algorithm);
    }
}
