package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyLifecycleService;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.keys.RevocationReason;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * POST /keys/{key_id}/rotate, /revoke, /schedule-destruction, /cancel-destruction and PUT
 * /keys/{key_id}/policy. Each body may narrow the key's scope (tenant_id, environment, plane —
 * environment is required for alias/NAME) and carry an approval_token for the two-person rule.
 */
final class LifecycleRoutes {
    private static final List<String> TARGET_FIELDS = List.of("tenant_id", "environment", "plane", "approval_token");
    private static final List<String> REASONS = Arrays.stream(RevocationReason.values()).map(RevocationReason::apiName).toList();

    private final KeyLifecycleService lifecycle;
    private final ObjectMapper mapper;

    LifecycleRoutes(KeyLifecycleService lifecycle, ObjectMapper mapper) {
        this.lifecycle = lifecycle;
        this.mapper = mapper;
    }

    void rotate(Context ctx) {
        JsonRequest body = parse(ctx, "emergency");
        boolean emergency = body.optionalBoolean("emergency").orElse(false);
        Audited<KeyLifecycleService.Rotation> r = lifecycle.rotate(Callers.of(ctx), target(ctx, body), emergency,
                token(body));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", KeyViews.metadata(r.value().successor()));
        out.put("previous_key", KeyViews.metadata(r.value().previous()));
        Receipts.respond(ctx, 200, out, r.receiptId());
    }

    void revoke(Context ctx) {
        JsonRequest body = parse(ctx, "reason");
        RevocationReason reason = body.requiredEnum("reason", RevocationReason::fromApiName, REASONS);
        respond(ctx, lifecycle.revoke(Callers.of(ctx), target(ctx, body), reason, token(body)));
    }

    void scheduleDestruction(Context ctx) {
        JsonRequest body = parse(ctx, "waiting_period_days");
        Integer days = body.optionalLong("waiting_period_days").map(d -> (int) Math.max(Integer.MIN_VALUE,
                Math.min(Integer.MAX_VALUE, d))).orElse(null);
        respond(ctx, lifecycle.scheduleDestruction(Callers.of(ctx), target(ctx, body), days, token(body)));
    }

    void cancelDestruction(Context ctx) {
        JsonRequest body = parse(ctx);
        respond(ctx, lifecycle.cancelDestruction(Callers.of(ctx), target(ctx, body), token(body)));
    }

    void updatePolicy(Context ctx) {
        JsonRequest body = parse(ctx, "allowed_modules", "requires_approval", "max_usage_per_day");
        KeyManagementService.PolicyRequest policy = new KeyManagementService.PolicyRequest(
                body.optionalStringArray("allowed_modules", KeyManagementService.MAX_ALLOWED_MODULES + 1).orElse(null),
                body.optionalBoolean("requires_approval").orElse(null),
                body.optionalLong("max_usage_per_day").orElse(null));
        respond(ctx, lifecycle.updatePolicy(Callers.of(ctx), target(ctx, body), policy, token(body)));
    }

    private JsonRequest parse(Context ctx, String... fields) {
        return JsonRequest.parse(ctx, mapper, Set.copyOf(Stream.concat(TARGET_FIELDS.stream(), Stream.of(fields)).toList()));
    }

    private static KeyLifecycleService.Target target(Context ctx, JsonRequest body) {
        KeyRef ref = KeyRef.parse("key_id", ctx.pathParam("key_id"));
        String tenant = body.optionalString("tenant_id", 64).map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Environment environment = body.optionalEnum("environment", Environment::fromApiName, Fields.ENVIRONMENTS).orElse(null);
        Plane plane = body.optionalEnum("plane", Plane::fromApiName, Fields.PLANES).orElse(null);
        return new KeyLifecycleService.Target(tenant, environment, plane, ref);
    }

    private static String token(JsonRequest body) {
        return body.optionalString("approval_token", 8192).orElse(null);
    }

    private static void respond(Context ctx, Audited<KeyRecord> key) {
        Receipts.respond(ctx, 200, KeyViews.metadata(key.value()), key.receiptId());
    }
}
