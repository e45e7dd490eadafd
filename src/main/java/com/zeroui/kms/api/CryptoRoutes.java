package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.EncryptionService;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.SigningService;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /sign, /verify, /encrypt, /decrypt. */
final class CryptoRoutes {
    private static final Set<String> SIGN_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data", "algorithm");
    private static final Set<String> VERIFY_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data",
            "signature", "algorithm");
    private static final Set<String> ENCRYPT_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "plaintext",
            "algorithm", "aad");
    private static final Set<String> DECRYPT_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "ciphertext",
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
        JsonRequest body = JsonRequest.parse(ctx, mapper, SIGN_FIELDS);
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        SignatureAlgorithm algorithm = body.optionalEnum("algorithm", SignatureAlgorithm::fromApiName,
                Fields.SIGNATURE_ALGORITHMS).orElse(null);
        Audited<SigningService.Signed> audited = signing.sign(Callers.of(ctx), scope, ref, data, algorithm);
        SigningService.Signed signed = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("signature", B64.encodeToString(signed.signature()));
        out.put("key_id", signed.key().keyId());
        out.put("algorithm", signed.algorithm().apiName());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    void verify(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, VERIFY_FIELDS);
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        byte[] signature = body.requiredBase64("signature");
        SignatureAlgorithm algorithm = body.optionalEnum("algorithm", SignatureAlgorithm::fromApiName,
                Fields.SIGNATURE_ALGORITHMS).orElse(null);
        Audited<SigningService.Verified> audited = signing.verify(Callers.of(ctx), scope, ref, data, signature, algorithm);
        SigningService.Verified verified = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", verified.valid());
        out.put("key_id", verified.key().keyId());
        out.put("algorithm", verified.algorithm().apiName());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    void encrypt(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, ENCRYPT_FIELDS);
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] plaintext = body.requiredBase64("plaintext");
        byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
        AeadAlgorithm algorithm = body.optionalEnum("algorithm", AeadAlgorithm::fromApiName, Fields.AEAD_ALGORITHMS)
                .orElse(null);
        Audited<EncryptionService.Encrypted> audited = encryption.encrypt(Callers.of(ctx), scope, ref, plaintext, aad, algorithm);
        EncryptionService.Encrypted encrypted = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ciphertext", B64.encodeToString(encrypted.ciphertext()));
        out.put("key_id", encrypted.key().keyId());
        out.put("algorithm", encrypted.algorithm().apiName());
        out.put("iv", B64.encodeToString(encrypted.nonce()));
        out.put("ciphertext_blob", B64.encodeToString(encrypted.blob().encode()));
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    void decrypt(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, DECRYPT_FIELDS);
        var scope = Fields.scope(body);
        if (body.has("ciphertext_blob")) {
            for (String field : SEPARATE_FIELDS) {
                if (body.has(field)) {
                    throw com.zeroui.kms.error.KmsException.invalid(field, field
                            + " must not be sent with ciphertext_blob, which names the key, algorithm and iv itself");
                }
            }
            byte[] blob = body.requiredBase64("ciphertext_blob");
            byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
            respondDecrypted(ctx, encryption.decryptBlob(Callers.of(ctx), scope, blob, aad));
            return;
        }
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] ciphertext = body.requiredBase64("ciphertext");
        byte[] iv = body.requiredBase64("iv");
        if (iv.length != AeadAlgorithm.NONCE_BYTES) {
            throw com.zeroui.kms.error.KmsException.invalid("iv", "iv must be " + AeadAlgorithm.NONCE_BYTES
                    + " bytes (base64 of a 96-bit nonce)");
        }
        byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
        AeadAlgorithm algorithm = body.optionalEnum("algorithm", AeadAlgorithm::fromApiName, Fields.AEAD_ALGORITHMS)
                .orElse(null);
        respondDecrypted(ctx, encryption.decrypt(Callers.of(ctx), scope, ref, ciphertext, iv, aad, algorithm));
    }

    private static void respondDecrypted(Context ctx, Audited<EncryptionService.Decrypted> audited) {
        EncryptionService.Decrypted decrypted = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plaintext", B64.encodeToString(decrypted.plaintext()));
        out.put("key_id", decrypted.key().keyId());
        out.put("algorithm", decrypted.algorithm().apiName());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }
}
