package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.trust.anchors.AnchorType;
import com.zeroui.kms.trust.anchors.TrustAnchor;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import com.zeroui.kms.trust.anchors.TrustBundle;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST/GET /trust-anchors, GET/DELETE /trust-anchors/{trust_anchor_id}, POST /trust-anchors/{trust_anchor_id}/revoke,
 *  GET /trust-bundles/{plane}. */
final class TrustAnchorRoutes {
    static final int MAX_CERTIFICATE_PEM = 65_536;
    private static final List<String> ANCHOR_TYPES = Arrays.stream(AnchorType.values()).map(AnchorType::apiName).toList();
    private static final Set<String> ADD_FIELDS = Set.of("tenant_id", "anchor_type", "planes", "certificate_pem");
    private static final Set<String> LIST_PARAMS = Set.of("tenant_id", "plane", "anchor_type", "limit", "cursor");

    private final TrustAnchorService anchors;
    private final ObjectMapper mapper;

    TrustAnchorRoutes(TrustAnchorService anchors, ObjectMapper mapper) {
        this.anchors = anchors;
        this.mapper = mapper;
    }

    void add(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, ADD_FIELDS);
        String tenant = Fields.tenantId("tenant_id", body.requiredString("tenant_id", 64));
        AnchorType type = body.requiredEnum("anchor_type", AnchorType::fromApiName, ANCHOR_TYPES);
        List<String> names = body.optionalStringArray("planes", Plane.values().length)
                .orElseThrow(() -> KmsException.invalid("planes", "planes is required (array of " + Fields.PLANES + ")"));
        if (names.isEmpty()) {
            throw KmsException.invalid("planes", "planes must name at least one plane");
        }
        Set<Plane> planes = EnumSet.noneOf(Plane.class);
        for (String name : names) {
            Plane plane = Plane.fromApiName(name).orElseThrow(() -> KmsException.invalid("planes",
                    "planes entries must be among " + Fields.PLANES));
            if (!planes.add(plane)) {
                throw KmsException.invalid("planes", "planes names " + name + " more than once");
            }
        }
        String pem = body.requiredString("certificate_pem", MAX_CERTIFICATE_PEM);
        Audited<TrustAnchor> added = anchors.add(Callers.of(ctx),
                new TrustAnchorService.AddAnchor(tenant, type, planes, pem));
        Receipts.respond(ctx, 201, view(added.value()), added.receiptId());
    }

    void get(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        Audited<TrustAnchor> anchor = anchors.get(Callers.of(ctx), anchorId(ctx));
        Receipts.respond(ctx, 200, view(anchor.value()), anchor.receiptId());
    }

    void remove(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        Audited<TrustAnchorService.Removed> removed = anchors.remove(Callers.of(ctx), anchorId(ctx));
        TrustAnchor anchor = removed.value().anchor();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("trust_anchor_id", anchor.anchorId());
        body.put("tenant_id", anchor.tenantId());
        body.put("anchor_type", anchor.type().apiName());
        body.put("planes", planes(anchor));
        body.put("removed", true);
        body.put("version", Long.toString(removed.value().version()));
        Receipts.respond(ctx, 200, body, removed.receiptId());
    }

    void revoke(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        JsonRequest body = JsonRequest.parse(ctx, mapper, Set.of("reason"));
        String reason = body.requiredEnum("reason", r -> TrustAnchorService.REVOCATION_REASONS.contains(r)
                ? java.util.Optional.of(r) : java.util.Optional.empty(), TrustAnchorService.REVOCATION_REASONS);
        Audited<TrustAnchorService.Revoked> revoked = anchors.revoke(Callers.of(ctx), anchorId(ctx), reason);
        Map<String, Object> view = view(revoked.value().anchor());
        view.put("version", Long.toString(revoked.value().version()));
        Receipts.respond(ctx, 200, view, revoked.receiptId());
    }

    void list(Context ctx) {
        QueryParams.rejectUnknown(ctx, LIST_PARAMS);
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Plane plane = QueryParams.optionalEnum(ctx, "plane", Plane::fromApiName, Fields.PLANES);
        AnchorType type = QueryParams.optionalEnum(ctx, "anchor_type", AnchorType::fromApiName, ANCHOR_TYPES);
        Integer limit = QueryParams.optional(ctx, "limit").map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw KmsException.invalid("limit", "limit must be an integer between 1 and " + TrustAnchorService.MAX_PAGE);
            }
        }).orElse(null);
        Audited<TrustAnchorService.Page> page = anchors.list(Callers.of(ctx), tenant, plane, type, limit,
                QueryParams.optional(ctx, "cursor").orElse(null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("trust_anchors", page.value().anchors().stream().map(TrustAnchorRoutes::view).toList());
        body.put("next_cursor", page.value().nextCursor());
        Receipts.respond(ctx, 200, body, page.receiptId());
    }

    /** The signed bundle; {@code receipt_id} is added beside it and is not covered by the signature. */
    void bundle(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of("tenant_id"));
        String planeName = ctx.pathParam("plane");
        Plane plane = Plane.fromApiName(planeName).orElseThrow(() -> KmsException.invalid("plane",
                "plane must be one of " + Fields.PLANES));
        String tenant = QueryParams.optional(ctx, "tenant_id").map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Audited<TrustBundle> bundle = anchors.bundle(Callers.of(ctx), tenant, plane);
        Receipts.respond(ctx, 200, bundle.value().view(), bundle.receiptId());
    }

    private static String anchorId(Context ctx) {
        String id = ctx.pathParam("trust_anchor_id");
        if (!id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            throw KmsException.invalid("trust_anchor_id", "trust_anchor_id must be a lowercase UUID");
        }
        return id;
    }

    private static List<String> planes(TrustAnchor anchor) {
        return anchor.orderedPlanes().stream().map(Plane::apiName).toList();
    }

    static Map<String, Object> view(TrustAnchor a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trust_anchor_id", a.anchorId());
        m.put("tenant_id", a.tenantId());
        m.put("anchor_type", a.type().apiName());
        m.put("planes", planes(a));
        m.put("certificate_pem", a.certificatePem());
        m.put("fingerprint_sha256", a.fingerprintSha256());
        m.put("subject", a.subject());
        m.put("not_before", a.notBefore().toString());
        m.put("not_after", a.notAfter().toString());
        m.put("key_size_bits", a.keySizeBits());
        m.put("version", Long.toString(a.version()));
        m.put("created_at", a.createdAt().toString());
        m.put("created_by", a.createdBy());
        if (a.isRevoked()) {
            Map<String, Object> revocation = new LinkedHashMap<>();
            revocation.put("revoked_at", a.revocation().revokedAt().toString());
            revocation.put("reason", a.revocation().reason());
            revocation.put("revoked_by", a.revocation().revokedBy());
            m.put("revocation", revocation);
        }
        return m;
    }
}
