package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.MacService;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * POST /mac and /mac/verify. Like {@link CryptoRoutes}, each operation reads one parsed body and
 * answers its audited result body, so POST /batch runs exactly the same code per item.
 */
final class MacRoutes {
    static final Set<String> MAC_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data", "algorithm");
    static final Set<String> VERIFY_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data", "mac",
            "algorithm");

    private final MacService macs;
    private final ObjectMapper mapper;

    MacRoutes(MacService macs, ObjectMapper mapper) {
        this.macs = macs;
        this.mapper = mapper;
    }

    void mac(Context ctx) {
        respond(ctx, mac(JsonRequest.parse(ctx, mapper, MAC_FIELDS), Callers.of(ctx)));
    }

    void verify(Context ctx) {
        respond(ctx, verify(JsonRequest.parse(ctx, mapper, VERIFY_FIELDS), Callers.of(ctx)));
    }

    private static void respond(Context ctx, Audited<Map<String, Object>> audited) {
        Receipts.respond(ctx, 200, audited.value(), audited.receiptId());
    }

    Audited<Map<String, Object>> mac(JsonRequest body, CallerIdentity caller) {
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        MacAlgorithm algorithm = body.optionalEnum("algorithm", MacAlgorithm::fromApiName, Fields.MAC_ALGORITHMS)
                .orElse(null);
        Audited<MacService.Tagged> audited = macs.mac(caller, scope, ref, data, algorithm);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mac", Base64.getEncoder().encodeToString(audited.value().mac()));
        out.put("key_id", audited.value().key().keyId());
        out.put("algorithm", audited.value().algorithm().apiName());
        return new Audited<>(out, audited.receiptId());
    }

    Audited<Map<String, Object>> verify(JsonRequest body, CallerIdentity caller) {
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        byte[] mac = body.requiredBase64("mac");
        MacAlgorithm algorithm = body.optionalEnum("algorithm", MacAlgorithm::fromApiName, Fields.MAC_ALGORITHMS)
                .orElse(null);
        Audited<MacService.Checked> audited = macs.verify(caller, scope, ref, data, mac, algorithm);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", audited.value().valid());
        out.put("key_id", audited.value().key().keyId());
        out.put("algorithm", audited.value().algorithm().apiName());
        return new Audited<>(out, audited.receiptId());
    }
}
