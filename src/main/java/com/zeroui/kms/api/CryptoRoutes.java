package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.EncryptionService;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.SigningService;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /sign, /verify, /encrypt, /decrypt. Each operation reads one parsed body and answers its
 * audited result body, so POST /batch runs exactly the same code per item.
 */
final class CryptoRoutes {
    static final Set<String> SIGN_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data", "algorithm");
    static final Set<String> VERIFY_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data",
            "signature", "algorithm");
    static final Set<String> ENCRYPT_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "plaintext",
            "algorithm", "aad");
    static final Set<String> DECRYPT_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "ciphertext",
            "iv", "algorithm", "aad", "ciphertext_blob");
    /** The fields a self-describing ciphertext replaces: a request sends either them or ciphertext_blob. */
    private static final List<String> SEPARATE_FIELDS = List.of("key_id", "ciphertext", "iv", "algorithm");
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final SigningService signing;
    private final EncryptionService encryption;
    private final ObjectMapper mapper;

    CryptoRoutes(SigningService signing, EncryptionService encryption, ObjectMapper mapper) {
        this.signing = signing;
        this.encryption = encryption;
        this.mapper = mapper;
    }

    void sign(Context ctx) {
        respond(ctx, sign(JsonRequest.parse(ctx, mapper, SIGN_FIELDS), Callers.of(ctx)));
    }

    void verify(Context ctx) {
        respond(ctx, verify(JsonRequest.parse(ctx, mapper, VERIFY_FIELDS), Callers.of(ctx)));
    }

    void encrypt(Context ctx) {
        respond(ctx, encrypt(JsonRequest.parse(ctx, mapper, ENCRYPT_FIELDS), Callers.of(ctx)));
    }

    void decrypt(Context ctx) {
        respond(ctx, decrypt(JsonRequest.parse(ctx, mapper, DECRYPT_FIELDS), Callers.of(ctx)));
    }

    private static void respond(Context ctx, Audited<Map<String, Object>> audited) {
        Receipts.respond(ctx, 200, audited.value(), audited.receiptId());
    }

    Audited<Map<String, Object>> sign(JsonRequest body, CallerIdentity caller) {
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        SignatureAlgorithm algorithm = body.optionalEnum("algorithm", SignatureAlgorithm::fromApiName,
                Fields.SIGNATURE_ALGORITHMS).orElse(null);
        Audited<SigningService.Signed> audited = signing.sign(caller, scope, ref, data, algorithm);
        SigningService.Signed signed = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("signature", B64.encodeToString(signed.signature()));
        out.put("key_id", signed.key().keyId());
        out.put("algorithm", signed.algorithm().apiName());
        return new Audited<>(out, audited.receiptId());
    }

    Audited<Map<String, Object>> verify(JsonRequest body, CallerIdentity caller) {
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        byte[] signature = body.requiredBase64("signature");
        SignatureAlgorithm algorithm = body.optionalEnum("algorithm", SignatureAlgorithm::fromApiName,
                Fields.SIGNATURE_ALGORITHMS).orElse(null);
        Audited<SigningService.Verified> audited = signing.verify(caller, scope, ref, data, signature, algorithm);
        SigningService.Verified verified = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", verified.valid());
        out.put("key_id", verified.key().keyId());
        out.put("algorithm", verified.algorithm().apiName());
        return new Audited<>(out, audited.receiptId());
    }

    Audited<Map<String, Object>> encrypt(JsonRequest body, CallerIdentity caller) {
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] plaintext = body.requiredBase64("plaintext");
        byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
        AeadAlgorithm algorithm = body.optionalEnum("algorithm", AeadAlgorithm::fromApiName, Fields.AEAD_ALGORITHMS)
                .orElse(null);
        Audited<EncryptionService.Encrypted> audited = encryption.encrypt(caller, scope, ref, plaintext, aad, algorithm);
        EncryptionService.Encrypted encrypted = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ciphertext", B64.encodeToString(encrypted.ciphertext()));
        out.put("key_id", encrypted.key().keyId());
        out.put("algorithm", encrypted.algorithm().apiName());
        out.put("iv", B64.encodeToString(encrypted.nonce()));
        out.put("ciphertext_blob", B64.encodeToString(encrypted.blob().encode()));
        return new Audited<>(out, audited.receiptId());
    }

    Audited<Map<String, Object>> decrypt(JsonRequest body, CallerIdentity caller) {
        var scope = Fields.scope(body);
        if (body.has("ciphertext_blob")) {
            for (String field : SEPARATE_FIELDS) {
                if (body.has(field)) {
                    throw KmsException.invalid(field, field
                            + " must not be sent with ciphertext_blob, which names the key, algorithm and iv itself");
                }
            }
            byte[] blob = body.requiredBase64("ciphertext_blob");
            byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
            return decrypted(encryption.decryptBlob(caller, scope, blob, aad));
        }
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] ciphertext = body.requiredBase64("ciphertext");
        byte[] iv = body.requiredBase64("iv");
        if (iv.length != AeadAlgorithm.NONCE_BYTES) {
            throw KmsException.invalid("iv", "iv must be " + AeadAlgorithm.NONCE_BYTES + " bytes (base64 of a 96-bit nonce)");
        }
        byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
        AeadAlgorithm algorithm = body.optionalEnum("algorithm", AeadAlgorithm::fromApiName, Fields.AEAD_ALGORITHMS)
                .orElse(null);
        return decrypted(encryption.decrypt(caller, scope, ref, ciphertext, iv, aad, algorithm));
    }

    private static Audited<Map<String, Object>> decrypted(Audited<EncryptionService.Decrypted> audited) {
        EncryptionService.Decrypted decrypted = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plaintext", B64.encodeToString(decrypted.plaintext()));
        out.put("key_id", decrypted.key().keyId());
        out.put("algorithm", decrypted.algorithm().apiName());
        return new Audited<>(out, audited.receiptId());
    }
}
