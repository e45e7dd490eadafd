package com.zeroui.kms.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.TrustAnchor;
import com.zeroui.kms.client.model.TrustAnchorPage;
import java.util.List;
import java.util.Map;

/** Trust anchors per tenant and plane, and the signed trust bundles built from them. */
public final class TrustApi {
    private final Transport http;

    TrustApi(Transport http) {
        this.http = http;
    }

    /** {@code anchorType}: internal_ca, external_ca or root; {@code planes}: laptop, tenant, product, shared. */
    public TrustAnchor add(String tenantId, String anchorType, List<String> planes, String certificatePem) {
        Body body = Body.empty().put("tenant_id", tenantId).put("anchor_type", anchorType).put("planes", planes)
                .put("certificate_pem", certificatePem);
        return http.post("/trust-anchors", body.map(), TrustAnchor.class, Repeat.ONLY_IF_REFUSED);
    }

    public TrustAnchor get(String trustAnchorId) {
        return http.get("/trust-anchors/" + Transport.segment(trustAnchorId), Map.of(), TrustAnchor.class);
    }

    /** {@code filters}: tenant_id, plane, anchor_type, limit, cursor. */
    public TrustAnchorPage list(Map<String, ?> filters) {
        return http.get("/trust-anchors", filters, TrustAnchorPage.class);
    }

    public TrustAnchor remove(String trustAnchorId) {
        return http.delete("/trust-anchors/" + Transport.segment(trustAnchorId), TrustAnchor.class);
    }

    public TrustAnchor revoke(String trustAnchorId, String reason) {
        return http.post("/trust-anchors/" + Transport.segment(trustAnchorId) + "/revoke",
                Body.empty().put("reason", reason).map(), TrustAnchor.class, Repeat.SAFE);
    }

    /** The signed effective bundle of a plane (format kms-trust-bundle/v1), as the service sent it. */
    public JsonNode bundle(String plane, String tenantId) {
        return http.get("/trust-bundles/" + Transport.segment(plane), tenantId == null ? Map.of() : Map.of("tenant_id", tenantId),
                JsonNode.class);
    }
}
