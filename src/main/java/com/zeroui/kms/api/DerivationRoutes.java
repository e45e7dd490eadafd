package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.DerivationService;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.KeyUsage;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /derive. */
final class DerivationRoutes {
    private static final Set<String> FIELDS = Set.of("tenant_id", "environment", "plane", "method", "key_id", "salt",
            "info", "password", "iterations", "length", "store_as", "approval_token");
    private static final Set<String> STORE_FIELDS = Set.of("key_type", "key_usage", "key_alias", "access_policy",
            "rotation_period");
    private static final Set<String> POLICY_FIELDS = Set.of("allowed_modules", "requires_approval", "max_usage_per_day");
    private static final List<String> METHODS = Arrays.stream(DerivationService.Method.values())
            .map(DerivationService.Method::apiName).toList();
    static final List<String> STORE_TYPES = DerivationService.STORABLE.keySet().stream().map(KeyType::apiName).toList();

    private final DerivationService derivation;
    private final ObjectMapper mapper;

    DerivationRoutes(DerivationService derivation, ObjectMapper mapper) {
        this.derivation = derivation;
        this.mapper = mapper;
    }

    void derive(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, FIELDS);
        var scope = Fields.scope(body);
        DerivationService.Method method = body.requiredEnum("method", DerivationService.Method::fromApiName, METHODS);
        KeyRef key = body.optionalString("key_id", 300).map(v -> KeyRef.parse("key_id", v)).orElse(null);
        byte[] salt = body.optionalBase64("salt").orElse(null);
        byte[] info = body.optionalBase64("info").orElse(null);
        char[] password = body.optionalString("password", DerivationService.MAX_INPUT_BYTES)
                .map(String::toCharArray).orElse(null);
        Integer iterations = intField(body, "iterations");
        Integer length = intField(body, "length");
        DerivationService.StoreAs storeAs = body.optionalObject("store_as", STORE_FIELDS).map(DerivationRoutes::storeAs)
                .orElse(null);
        // an approval binds the body as sent, less its own token and the credential (never stored in an approval)
        String token = body.optionalString("approval_token", 8192).orElse(null);
        var approval = new KeyManagementService.ApprovalClaim(token, body.toMap(mapper, Set.of("approval_token", "password")));
        Audited<DerivationService.Derived> audited;
        try {
            audited = derivation.derive(Callers.of(ctx), new DerivationService.Request(scope, method, key, salt, info,
                    password, iterations, length, storeAs, approval));
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        DerivationService.Derived derived = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", derived.method().apiName());
        out.put("length", derived.length());
        if (derived.source() != null) {
            out.put("key_id", derived.source().keyId());
        }
        if (derived.stored() != null) {
            out.put("key", KeyViews.metadata(derived.stored()));
            Receipts.respond(ctx, 201, out, audited.receiptId());
            return;
        }
        out.put("derived", Base64.getEncoder().encodeToString(derived.bytes()));
        Arrays.fill(derived.bytes(), (byte) 0);
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    private static Integer intField(JsonRequest body, String field) {
        return body.optionalLong(field).map(v -> {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw KmsException.invalid(field, field + " is out of range");
            }
            return v.intValue();
        }).orElse(null);
    }

    private static DerivationService.StoreAs storeAs(JsonRequest store) {
        KeyType type = store.requiredEnum("key_type", KeyType::fromApiName, STORE_TYPES);
        List<String> names = store.optionalStringArray("key_usage", 4).orElse(null); // null: the type's default
        if (names != null && names.isEmpty()) {
            throw KmsException.invalid("store_as.key_usage", "store_as.key_usage must name at least one usage");
        }
        Set<KeyUsage> usage = names == null ? null : EnumSet.noneOf(KeyUsage.class);
        for (String name : names == null ? List.<String>of() : names) {
            usage.add(KeyUsage.fromApiName(name).orElseThrow(() -> KmsException.invalid("store_as.key_usage",
                    "store_as.key_usage entries must be among " + Fields.KEY_USAGES)));
        }
        KeyManagementService.PolicyRequest policy = store.optionalObject("access_policy", POLICY_FIELDS)
                .map(p -> new KeyManagementService.PolicyRequest(
                        p.optionalStringArray("allowed_modules", KeyManagementService.MAX_ALLOWED_MODULES + 1).orElse(null),
                        p.optionalBoolean("requires_approval").orElse(null),
                        p.optionalLong("max_usage_per_day").orElse(null)))
                .orElse(null);
        Integer rotationDays = store.optionalString("rotation_period", 32)
                .map(v -> Fields.periodDays("store_as.rotation_period", v)).orElse(null);
        return new DerivationService.StoreAs(type, usage, store.optionalString("key_alias", 128).orElse(null), policy,
                rotationDays);
    }
}
