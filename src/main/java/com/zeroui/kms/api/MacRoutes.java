package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.MacService;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** POST /mac and /mac/verify. */
final class MacRoutes {
    private static final Set<String> MAC_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data", "algorithm");
    private static final Set<String> VERIFY_FIELDS = Set.of("tenant_id", "environment", "plane", "key_id", "data", "mac",
            "algorithm");

    private final MacService macs;
    private final ObjectMapper mapper;

    MacRoutes(MacService macs, ObjectMapper mapper) {
        this.macs = macs;
        this.mapper = mapper;
    }

    void mac(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, MAC_FIELDS);
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        MacAlgorithm algorithm = body.optionalEnum("algorithm", MacAlgorithm::fromApiName, Fields.MAC_ALGORITHMS)
                .orElse(null);
        Audited<MacService.Tagged> audited = macs.mac(Callers.of(ctx), scope, ref, data, algorithm);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mac", Base64.getEncoder().encodeToString(audited.value().mac()));
        out.put("key_id", audited.value().key().keyId());
        out.put("algorithm", audited.value().algorithm().apiName());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    void verify(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, VERIFY_FIELDS);
        var scope = Fields.scope(body);
        KeyRef ref = KeyRef.parse("key_id", body.requiredString("key_id", 300));
        byte[] data = body.requiredBase64("data");
        byte[] mac = body.requiredBase64("mac");
        MacAlgorithm algorithm = body.optionalEnum("algorithm", MacAlgorithm::fromApiName, Fields.MAC_ALGORITHMS)
                .orElse(null);
        Audited<MacService.Checked> audited = macs.verify(Callers.of(ctx), scope, ref, data, mac, algorithm);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", audited.value().valid());
        out.put("key_id", audited.value().key().keyId());
        out.put("algorithm", audited.value().algorithm().apiName());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }
}
