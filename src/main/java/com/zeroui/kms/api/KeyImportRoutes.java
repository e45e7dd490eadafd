package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.KeyImportWrapping;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.KeyImportService;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyUsage;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /keys/import-params, /keys/import (BYOK). */
final class KeyImportRoutes {
    private static final Set<String> PARAMS_FIELDS = Set.of("tenant_id", "environment", "plane", "key_type");
    private static final Set<String> IMPORT_FIELDS = Set.of("tenant_id", "environment", "plane", "import_token",
            "wrapped_key_material", "key_usage", "key_alias", "access_policy", "rotation_period", "approval_token");
    private static final Set<String> POLICY_FIELDS = Set.of("allowed_modules", "requires_approval", "max_usage_per_day");

    private final KeyImportService imports;
    private final ObjectMapper mapper;

    KeyImportRoutes(KeyImportService imports, ObjectMapper mapper) {
        this.imports = imports;
        this.mapper = mapper;
    }

    void params(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, PARAMS_FIELDS);
        var scope = Fields.scope(body);
        KeyType type = body.requiredEnum("key_type", KeyType::fromApiName, Fields.KEY_TYPES);
        Audited<KeyImportService.Params> audited = imports.importParams(Callers.of(ctx), scope, type);
        KeyImportService.Params p = audited.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("import_token", p.importToken());
        out.put("key_type", p.keyType().apiName());
        out.put("wrapping_algorithm", KeyImportWrapping.ALGORITHM);
        out.put("wrapping_public_key", Pem.publicKey(p.publicKeySpki()));
        out.put("expires_at", p.expiresAt().toString());
        Receipts.respond(ctx, 200, out, audited.receiptId());
    }

    void importKey(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, IMPORT_FIELDS);
        var scope = Fields.scope(body);
        String token = body.requiredString("import_token", 64);
        byte[] wrapped = body.requiredBase64("wrapped_key_material");
        List<String> names = body.optionalStringArray("key_usage", 4)
                .orElseThrow(() -> KmsException.invalid("key_usage", "key_usage is required (array of " + Fields.KEY_USAGES + ")"));
        if (names.isEmpty()) {
            throw KmsException.invalid("key_usage", "key_usage must name at least one usage");
        }
        Set<KeyUsage> usage = EnumSet.noneOf(KeyUsage.class);
        for (String name : names) {
            usage.add(KeyUsage.fromApiName(name).orElseThrow(() -> KmsException.invalid("key_usage",
                    "key_usage entries must be among " + Fields.KEY_USAGES)));
        }
        KeyManagementService.PolicyRequest policy = body.optionalObject("access_policy", POLICY_FIELDS)
                .map(p -> new KeyManagementService.PolicyRequest(
                        p.optionalStringArray("allowed_modules", KeyManagementService.MAX_ALLOWED_MODULES + 1).orElse(null),
                        p.optionalBoolean("requires_approval").orElse(null),
                        p.optionalLong("max_usage_per_day").orElse(null)))
                .orElse(null);
        Integer rotationDays = body.optionalString("rotation_period", 32).map(v -> Fields.periodDays("rotation_period", v))
                .orElse(null);
        String approvalToken = body.optionalString("approval_token", 8192).orElse(null);
        var approval = new KeyManagementService.ApprovalClaim(approvalToken, body.toMap(mapper, Set.of("approval_token")));
        Audited<KeyRecord> key = imports.importKey(Callers.of(ctx), new KeyImportService.Request(scope, token, wrapped,
                usage, body.optionalString("key_alias", 128).orElse(null), policy, rotationDays, approval));
        Receipts.respond(ctx, 201, KeyViews.metadata(key.value()), key.receiptId());
    }
}
