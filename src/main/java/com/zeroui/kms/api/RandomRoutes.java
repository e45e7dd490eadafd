package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.RandomService;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** POST /random. */
final class RandomRoutes {
    private static final Set<String> FIELDS = Set.of("tenant_id", "environment", "plane", "length");

    private final RandomService random;
    private final ObjectMapper mapper;

    RandomRoutes(RandomService random, ObjectMapper mapper) {
        this.random = random;
        this.mapper = mapper;
    }

    void generate(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, FIELDS);
        var scope = Fields.scope(body);
        long length = body.optionalLong("length").orElseThrow(() -> KmsException.invalid("length", "length is required"));
        if (length < 1 || length > RandomService.MAX_BYTES) {
            throw KmsException.invalid("length", "length must be between 1 and " + RandomService.MAX_BYTES);
        }
        Audited<RandomService.RandomBytes> audited = random.generate(Callers.of(ctx), scope, (int) length);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("random", Base64.getEncoder().encodeToString(audited.value().bytes()));
        out.put("length", (int) length);
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }
}
