package com.zeroui.kms.client;

import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.DecryptResult;
import com.zeroui.kms.client.model.EncryptResult;
import com.zeroui.kms.client.model.MacResult;
import com.zeroui.kms.client.model.RandomResult;
import com.zeroui.kms.client.model.SignResult;
import com.zeroui.kms.client.model.VerifyResult;

/**
 * Operations with managed keys. Each is safe to repeat (a repeated encrypt yields another, equally
 * valid ciphertext), so the client repeats them after a lost answer too. {@code algorithm} may be null:
 * the key type's default applies (RS256 for RSA, EdDSA for Ed25519, AES-256-GCM for AES).
 */
public final class CryptoApi {
    private final Transport http;
    private final Scope scope;

    CryptoApi(Transport http, Scope scope) {
        this.http = http;
        this.scope = scope;
    }

    public CryptoApi in(Scope other) {
        return new CryptoApi(http, other);
    }

    public SignResult sign(String keyId, byte[] data, String algorithm) {
        Body body = keyed(keyId).put("data", data).put("algorithm", algorithm);
        return http.post("/sign", body.map(), SignResult.class, Repeat.SAFE);
    }

    public VerifyResult verify(String keyId, byte[] data, byte[] signature, String algorithm) {
        Body body = keyed(keyId).put("data", data).put("signature", signature).put("algorithm", algorithm);
        return http.post("/verify", body.map(), VerifyResult.class, Repeat.SAFE);
    }

    public EncryptResult encrypt(String keyId, byte[] plaintext, byte[] aad, String algorithm) {
        Body body = keyed(keyId).put("plaintext", plaintext).put("aad", aad).put("algorithm", algorithm);
        return http.post("/encrypt", body.map(), EncryptResult.class, Repeat.SAFE);
    }

    public DecryptResult decrypt(String keyId, byte[] ciphertext, byte[] iv, byte[] aad, String algorithm) {
        Body body = keyed(keyId).put("ciphertext", ciphertext).put("iv", iv).put("aad", aad).put("algorithm", algorithm);
        return http.post("/decrypt", body.map(), DecryptResult.class, Repeat.SAFE);
    }

    /** An HMAC tag over {@code data} with an HMAC key ({@code POST /mac}). */
    public MacResult mac(String keyId, byte[] data) {
        return http.post("/mac", keyed(keyId).put("data", data).map(), MacResult.class, Repeat.SAFE);
    }

    /** Whether {@code mac} is {@code data}'s tag under the key, compared in constant time by the service. */
    public VerifyResult macVerify(String keyId, byte[] data, byte[] mac) {
        return http.post("/mac/verify", keyed(keyId).put("data", data).put("mac", mac).map(), VerifyResult.class, Repeat.SAFE);
    }

    /** {@code length} (1–1024) bytes from the service's DRBG. */
    public RandomResult random(int length) {
        return http.post("/random", scoped().put("length", length).map(), RandomResult.class, Repeat.SAFE);
    }

    Body scoped() {
        if (scope == null) {
            throw new IllegalStateException("no scope: build the client with scope(tenant, environment, plane) or call in(scope)");
        }
        return Body.of(scope);
    }

    Body keyed(String keyId) {
        return scoped().put("key_id", keyId);
    }
}
