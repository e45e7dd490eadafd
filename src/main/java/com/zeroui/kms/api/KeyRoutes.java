package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
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
            "key_alias", "access_policy");
    private static final Set<String> POLICY_FIELDS = Set.of("allowed_modules", "requires_approval", "max_usage_per_day");
    private static final Set<String> LIST_PARAMS = Set.of("tenant_id", "environment", "plane", "key_type", "key_state",
            "alias", "limit", "cursor");
    private static final Set<String> GET_PARAMS = Set.of("tenant_id", "environment", "plane");

    private final KeyManagementService keys;
    private final ObjectMapper mapper;

    KeyRoutes(KeyManagementService keys, ObjectMapper mapper) {
        this.keys = keys;
        this.mapper = mapper;
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
        KeyRecord key = keys.create(Callers.of(ctx), new KeyManagementService.CreateKey(scope, type, usage, alias, policy));
        ctx.status(201).json(KeyViews.metadata(key));
    }

    void get(Context ctx) {
        rejectUnknownParams(ctx, GET_PARAMS);
        KeyRef ref = KeyRef.parse("key_id", ctx.pathParam("key_id"));
        String tenant = query(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Environment environment = queryEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS);
        Plane plane = queryEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES);
        ctx.json(KeyViews.metadata(keys.get(Callers.of(ctx), tenant, environment, plane, ref)));
    }

    void list(Context ctx) {
        rejectUnknownParams(ctx, LIST_PARAMS);
        String tenant = query(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Integer limit = query(ctx, "limit").map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw KmsException.invalid("limit", "limit must be an integer between 1 and " + KeyManagementService.MAX_PAGE);
            }
        }).orElse(null);
        KeyRepository.KeyFilter filter = new KeyRepository.KeyFilter(tenant,
                queryEnum(ctx, "environment", Environment::fromApiName, Fields.ENVIRONMENTS),
                queryEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES),
                queryEnum(ctx, "key_type", KeyType::fromApiName, Fields.KEY_TYPES),
                queryEnum(ctx, "key_state", KeyState::fromApiName, Fields.KEY_STATES),
                query(ctx, "alias").orElse(null), null);
        KeyManagementService.Page page = keys.list(Callers.of(ctx), filter, limit, query(ctx, "cursor").orElse(null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keys", page.keys().stream().map(KeyViews::metadata).toList());
        body.put("next_cursor", page.nextCursor());
        ctx.json(body);
    }

    private static void rejectUnknownParams(Context ctx, Set<String> allowed) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!allowed.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) : name;
                throw KmsException.invalid(shown, "unknown query parameter '" + shown + "'; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
        ctx.queryParamMap().forEach((name, values) -> {
            if (values.size() > 1) {
                throw KmsException.invalid(name, "query parameter " + name + " is given more than once");
            }
        });
    }

    private static Optional<String> query(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value != null && value.length() > 256) {
            throw KmsException.invalid(name, name + " must be at most 256 characters");
        }
        if (value != null) {
            JsonRequest.rejectNul(name, value);
        }
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    private static <E> E queryEnum(Context ctx, String name, Function<String, Optional<E>> parser, List<String> allowed) {
        return query(ctx, name).map(v -> parser.apply(v).orElseThrow(() -> KmsException.invalid(name,
                name + " must be one of " + allowed))).orElse(null);
    }
}
