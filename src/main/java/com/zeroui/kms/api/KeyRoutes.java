package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** POST /keys, GET /keys, GET /keys/{key_id}. */
final class KeyRoutes {
    private static final Set<String> CREATE_FIELDS = Set.of("tenant_id", "environment", "plane", "key_type", "key_usage",
            "rotation_period", "key_alias", "access_policy", "approval_token", "protection_level");
    private static final Set<String> POLICY_FIELDS = Set.of("allowed_modules", "requires_approval", "max_usage_per_day");
    private static final Set<String> LIST_PARAMS = Set.of("tenant_id", "environment", "plane", "key_type", "key_state",
            "alias", "limit", "cursor");
    private static final Set<String> GET_PARAMS = Set.of("tenant_id", "environment", "plane");

    private final KeyManagementService keys;
    private final ObjectMapper mapper;
    private final java.util.function.ToLongBiFunction<String, Long> usageReserved;
    private final java.time.Clock clock;

    KeyRoutes(KeyManagementService keys, ObjectMapper mapper, java.util.function.ToLongBiFunction<String, Long> usageReserved,
              java.time.Clock clock) {
        this.keys = keys;
        this.mapper = mapper;
        this.usageReserved = usageReserved;
        this.clock = clock;
    }

    /**
     * GET /keys/{key_id}/usage: today's (UTC) uses against max_usage_per_day, for whoever may read the
     * key. Nodes reserve uses in blocks ahead of spending them, so this is an upper bound.
     */
    void usage(Context ctx) {
        QueryParams.rejectUnknown(ctx, GET_PARAMS);
        KeyRef ref = KeyRef.parse("key_id", ctx.pathParam("key_id"));
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Environment environment = QueryParams.optionalEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS);
        Plane plane = QueryParams.optionalEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES);
        Audited<KeyRecord> key = keys.get(Callers.of(ctx), tenant, environment, plane, ref);
        long day = clock.instant().getEpochSecond() / 86_400;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key_id", key.value().keyId());
        body.put("day", java.time.LocalDate.ofEpochDay(day).toString());
        body.put("used_today", usageReserved.applyAsLong(key.value().keyId(), day));
        body.put("max_usage_per_day", key.value().policy().maxUsagePerDay());
        Receipts.respond(ctx, 200, body, key.receiptId());
    }

    void create(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, CREATE_FIELDS);
        var scope = Fields.scope(body);
        KeyType type = body.requiredEnum("key_type", KeyType::fromApiName, Fields.KEY_TYPES);
        List<String> usageNames = body.optionalStringArray("key_usage", 4)
                .orElseThrow(() -> KmsException.invalid("key_usage", "key_usage is required (array of " + Fields.KEY_USAGES + ")"));
        if (usageNames.isEmpty()) {
            throw KmsException.invalid("key_usage", "key_usage must name at least one usage");
        }
        Set<KeyUsage> usage = EnumSet.noneOf(KeyUsage.class);
        for (String name : usageNames) {
            usage.add(KeyUsage.fromApiName(name).orElseThrow(() -> KmsException.invalid("key_usage",
                    "key_usage entries must be among " + Fields.KEY_USAGES)));
        }
        String alias = body.optionalString("key_alias", 128).orElse(null);
        KeyManagementService.PolicyRequest policy = body.optionalObject("access_policy", POLICY_FIELDS)
                .map(p -> new KeyManagementService.PolicyRequest(
                        p.optionalStringArray("allowed_modules", KeyManagementService.MAX_ALLOWED_MODULES + 1).orElse(null),
                        p.optionalBoolean("requires_approval").orElse(null),
                        p.optionalLong("max_usage_per_day").orElse(null)))
                .orElse(null);
        Integer rotationDays = body.optionalString("rotation_period", 32).map(v -> Fields.periodDays("rotation_period", v)).orElse(null);
        // an approval binds the body as sent, less its own token (see docs/key-lifecycle.md, "Dual authorization")
        String approvalToken = body.optionalString("approval_token", 8192).orElse(null);
        var approval = new KeyManagementService.ApprovalClaim(approvalToken, body.toMap(mapper, Set.of("approval_token")));
        com.zeroui.kms.keystore.ProtectionLevel level = body.optionalString("protection_level", 16)
                .map(v -> com.zeroui.kms.keystore.ProtectionLevel.fromApiName(v).orElseThrow(() -> KmsException.invalid(
                        "protection_level", "protection_level must be software or hsm")))
                .orElse(com.zeroui.kms.keystore.ProtectionLevel.SOFTWARE);
        Audited<KeyRecord> key = keys.create(Callers.of(ctx), new KeyManagementService.CreateKey(scope, type, usage, alias,
                policy, rotationDays, level), approval);
        Receipts.respond(ctx, 201, KeyViews.metadata(key.value()), key.receiptId());
    }

    void get(Context ctx) {
        QueryParams.rejectUnknown(ctx, GET_PARAMS);
        KeyRef ref = KeyRef.parse("key_id", ctx.pathParam("key_id"));
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Environment environment = QueryParams.optionalEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS);
        Plane plane = QueryParams.optionalEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES);
        Audited<KeyRecord> key = keys.get(Callers.of(ctx), tenant, environment, plane, ref);
        Receipts.respond(ctx, 200, KeyViews.metadata(key.value()), key.receiptId());
    }

    void list(Context ctx) {
        QueryParams.rejectUnknown(ctx, LIST_PARAMS);
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Integer limit = QueryParams.optional(ctx, "limit").map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw KmsException.invalid("limit", "limit must be an integer between 1 and " + KeyManagementService.MAX_PAGE);
            }
        }).orElse(null);
        KeyRepository.KeyFilter filter = new KeyRepository.KeyFilter(tenant,
                QueryParams.optionalEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS),
                QueryParams.optionalEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES),
                QueryParams.optionalEnum(ctx, "key_type", KeyType::fromApiName, Fields.KEY_TYPES),
                QueryParams.optionalEnum(ctx, "key_state", KeyState::fromApiName, Fields.KEY_STATES),
                QueryParams.optional(ctx, "alias").orElse(null), null);
        Audited<KeyManagementService.Page> page = keys.list(Callers.of(ctx), filter, limit, QueryParams.optional(ctx, "cursor").orElse(null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keys", page.value().keys().stream().map(KeyViews::metadata).toList());
        body.put("next_cursor", page.value().nextCursor());
        Receipts.respond(ctx, 200, body, page.receiptId());
    }
}
