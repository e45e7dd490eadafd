package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.approvals.Approval;
import com.zeroui.kms.approvals.ApprovalService;
import com.zeroui.kms.approvals.ApprovalStatus;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.audit.Audited;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** POST /approvals, GET /approvals/{approval_id}, POST /approvals/{approval_id}/approve. */
final class ApprovalRoutes {
    private static final Set<String> REQUEST_FIELDS = Set.of("operation", "key_id", "parameters");

    private final ApprovalService approvals;
    private final ObjectMapper mapper;

    ApprovalRoutes(ApprovalService approvals, ObjectMapper mapper) {
        this.approvals = approvals;
        this.mapper = mapper;
    }

    void request(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, REQUEST_FIELDS);
        String operation = body.requiredString("operation", 64);
        String keyId = body.optionalString("key_id", 300).orElse(null);
        Map<String, Object> parameters = body.optionalFreeObject("parameters", mapper).orElse(Map.of());
        Audited<Approval> approval = approvals.request(Callers.of(ctx), operation, keyId, parameters);
        Receipts.respond(ctx, 201, view(approval.value()), approval.receiptId());
    }

    void get(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        Audited<Approval> approval = approvals.get(Callers.of(ctx), approvalId(ctx));
        Receipts.respond(ctx, 200, view(approval.value()), approval.receiptId());
    }

    private static final Set<String> LIST_PARAMS = Set.of("tenant_id", "status", "mine", "cursor", "limit");

    /** GET /approvals?status=pending,approved&mine=true&tenant_id=…: the inbox and the history. */
    void list(Context ctx) {
        QueryParams.rejectUnknown(ctx, LIST_PARAMS);
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        java.util.Set<ApprovalStatus> statuses = QueryParams.optional(ctx, "status").map(v -> {
            java.util.Set<ApprovalStatus> set = java.util.EnumSet.noneOf(ApprovalStatus.class);
            for (String name : v.split(",", -1)) {
                set.add(ApprovalStatus.fromApiName(name).orElseThrow(() -> KmsException.invalid("status",
                        "status must be a comma-separated list of pending, approved, consumed, expired")));
            }
            return set;
        }).orElse(null);
        boolean mine = QueryParams.optional(ctx, "mine").map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw KmsException.invalid("mine", "mine must be true or false");
        }).orElse(false);
        String cursor = QueryParams.optional(ctx, "cursor").orElse(null);
        if (cursor != null && !cursor.matches("[0-9a-f-]{36}")) {
            throw KmsException.invalid("cursor", "cursor must be the next_cursor of a previous page");
        }
        Integer limit = QueryParams.optional(ctx, "limit").map(v -> (int) QueryParams.parseLong("limit", v)).orElse(null);
        Audited<ApprovalService.Page> page = approvals.list(Callers.of(ctx), tenant, mine, statuses, cursor, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("approvals", page.value().approvals().stream().map(this::view).toList());
        body.put("next_cursor", page.value().nextCursor());
        Receipts.respond(ctx, 200, body, page.receiptId());
    }

    void approve(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        if (ctx.bodyAsBytes().length > 0) {
            JsonRequest.parse(ctx, mapper, Set.of()); // nothing to say but an empty object
        }
        Audited<ApprovalService.Granted> granted = approvals.approve(Callers.of(ctx), approvalId(ctx));
        Approval approval = granted.value().approval();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("approval_id", approval.approvalId());
        out.put("status", approval.status().apiName());
        out.put("approval_token", granted.value().token());
        out.put("expires_at", KeyViews.iso(approval.tokenExpiresAt()));
        out.put("operation", approval.operation());
        out.put("key_id", approval.keyId());
        out.put("parameters_digest", approval.parametersDigest());
        out.put("requested_by", approval.requestedBy());
        out.put("approved_by", approval.approvedBy());
        Receipts.respond(ctx, 200, out, granted.receiptId());
    }

    private static String approvalId(Context ctx) {
        String id = ctx.pathParam("approval_id");
        if (!id.matches("[0-9a-f-]{36}")) {
            throw com.zeroui.kms.error.KmsException.invalid("approval_id", "approval_id must be an approval id (a UUID)");
        }
        return id;
    }

    private Map<String, Object> view(Approval a) {
        Instant now = approvals.clockNow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("approval_id", a.approvalId());
        m.put("status", a.statusAt(now).apiName());
        m.put("operation", a.operation());
        m.put("key_id", a.keyId());
        m.put("tenant_id", a.tenantId());
        m.put("parameters", parameters(a.parametersJson()));
        m.put("parameters_digest", a.parametersDigest());
        m.put("requested_by", a.requestedBy());
        m.put("created_at", KeyViews.iso(a.createdAt()));
        m.put("expires_at", KeyViews.iso(a.expiresAt()));
        m.put("approved_by", a.approvedBy());
        m.put("approved_at", KeyViews.iso(a.approvedAt()));
        m.put("token_expires_at", KeyViews.iso(a.tokenExpiresAt()));
        m.put("consumed_at", KeyViews.iso(a.consumedAt()));
        return m;
    }

    private Object parameters(String canonicalJson) {
        try {
            return mapper.readValue(canonicalJson, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored approval parameters are not JSON", e);
        }
    }
}
