package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.keys.EnvelopeService;
import com.zeroui.kms.keys.KeyRef;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** POST /datakeys, /rewrap. */
final class EnvelopeRoutes {
    private static final Set<String> DATAKEY_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "key_spec",
            "include_plaintext", "aad");
    private static final Set<String> REWRAP_FIELDS = Set.of("tenant_id", "environment", "plane", "ciphertext_blob", "aad",
            "destination_key_id", "destination_aad");
    private static final List<String> KEY_SPECS = List.of(EnvelopeService.DataKeySpec.AES_256.apiName());
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final EnvelopeService envelopes;
    private final ObjectMapper mapper;

    EnvelopeRoutes(EnvelopeService envelopes, ObjectMapper mapper) {
        this.envelopes = envelopes;
        this.mapper = mapper;
    }

    void dataKey(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, DATAKEY_FIELDS);
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        EnvelopeService.DataKeySpec spec = body.optionalEnum("key_spec", name -> name.equals(KEY_SPECS.get(0))
                ? Optional.of(EnvelopeService.DataKeySpec.AES_256) : Optional.empty(), KEY_SPECS)
                .orElse(EnvelopeService.DataKeySpec.AES_256);
        boolean includePlaintext = body.optionalBoolean("include_plaintext").orElse(true);
        byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
        Audited<EnvelopeService.DataKey> audited = envelopes.generateDataKey(Callers.of(ctx), scope, ref, spec,
                includePlaintext, aad);
        EnvelopeService.DataKey dataKey = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key_id", dataKey.key().keyId());
        out.put("key_spec", dataKey.spec().apiName());
        out.put("ciphertext_blob", B64.encodeToString(dataKey.blob().encode()));
        if (dataKey.plaintext() != null) {
            out.put("plaintext", B64.encodeToString(dataKey.plaintext()));
            Arrays.fill(dataKey.plaintext(), (byte) 0);
        }
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    void rewrap(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, REWRAP_FIELDS);
        var scope = Fields.scope(body);
        byte[] blob = body.requiredBase64("ciphertext_blob");
        byte[] aad = body.optionalBase64("aad").orElse(new byte[0]);
        KeyRef destination = body.optionalString("destination_key_id", 300)
                .map(v -> KeyRef.parse("destination_key_id", v)).orElse(null);
        byte[] destinationAad = body.optionalBase64("destination_aad").orElse(null);
        Audited<EnvelopeService.Rewrapped> audited = envelopes.rewrap(Callers.of(ctx), scope, blob, aad, destination,
                destinationAad);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ciphertext_blob", B64.encodeToString(audited.value().blob().encode()));
        out.put("key_id", audited.value().destination().keyId());
        out.put("source_key_id", audited.value().source().keyId());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }
}
