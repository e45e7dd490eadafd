package com.zeroui.kms.client;

import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.DataKey;
import com.zeroui.kms.client.model.DecryptResult;
import com.zeroui.kms.client.model.DeriveResult;
import com.zeroui.kms.client.model.RewrapResult;
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

    /** Decrypts a self-describing {@code ciphertext_blob} from encrypt or a data key: no key id needed. */
    public DecryptResult decryptBlob(byte[] ciphertextBlob, byte[] aad) {
        Body body = scoped().put("ciphertext_blob", ciphertextBlob).put("aad", aad);
        return http.post("/decrypt", body.map(), DecryptResult.class, Repeat.SAFE);
    }

    /**
     * {@code POST /derive}: {@code method} HKDF-SHA256 (from {@code keyId}, a key with usage derive) or
     * PBKDF2-HMAC-SHA256 (from {@code password}, sent as UTF-8 text); {@code storeAs} (null: return the bytes) asks for a new
     * managed key instead, as the API describes it.
     */
    public DeriveResult derive(String method, String keyId, byte[] salt, byte[] info, String password, Integer iterations,
                               Integer length, java.util.Map<String, ?> storeAs, String approvalToken) {
        Body body = scoped().put("method", method).put("key_id", keyId).put("salt", salt).put("info", info)
                .put("password", password).put("iterations", iterations).put("length", length).put("store_as", storeAs)
                .put("approval_token", approvalToken);
        return http.post("/derive", body.map(), DeriveResult.class, storeAs == null ? Repeat.SAFE : Repeat.ONLY_IF_REFUSED);
    }

    /** A fresh AES-256 data key wrapped under {@code keyId}; its plaintext too when {@code includePlaintext}. */
    public DataKey dataKey(String keyId, boolean includePlaintext, byte[] aad) {
        Body body = keyed(keyId).put("key_spec", "AES-256").put("include_plaintext", includePlaintext).put("aad", aad);
        return http.post("/datakeys", body.map(), DataKey.class, Repeat.SAFE);
    }

    /** Re-encrypts a blob under {@code destinationKeyId} (null: the source key's current successor). */
    public RewrapResult rewrap(byte[] ciphertextBlob, byte[] aad, String destinationKeyId, byte[] destinationAad) {
        Body body = scoped().put("ciphertext_blob", ciphertextBlob).put("aad", aad).put("destination_key_id", destinationKeyId)
                .put("destination_aad", destinationAad);
        return http.post("/rewrap", body.map(), RewrapResult.class, Repeat.SAFE);
    }

    /**
     * Up to 100 sign/verify/encrypt/decrypt items in one request, each with its own receipt, result or
     * error. Each item is its operation's request body plus {@code operation}; items without a
     * {@code tenant_id} get this API's scope. Answers {@code {results, succeeded, failed}}.
     */
    public com.fasterxml.jackson.databind.JsonNode batch(java.util.List<? extends java.util.Map<String, ?>> items) {
        java.util.List<java.util.Map<String, Object>> scopedItems = new java.util.ArrayList<>();
        for (java.util.Map<String, ?> item : items) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(scope == null ? java.util.Map.of() : scoped().map());
            m.putAll(item);
            scopedItems.add(m);
        }
        return http.post("/batch", Body.empty().put("items", scopedItems).map(), com.fasterxml.jackson.databind.JsonNode.class,
                Repeat.SAFE);
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
