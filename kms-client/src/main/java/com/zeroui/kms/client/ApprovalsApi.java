package com.zeroui.kms.client;

import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.Approval;
import com.zeroui.kms.client.model.ApprovalGrant;
import com.zeroui.kms.client.model.ApprovalPage;
import java.util.Map;

/** Dual authorization: one caller requests an operation with its parameters, another approves it. */
public final class ApprovalsApi {
    private final Transport http;

    ApprovalsApi(Transport http) {
        this.http = http;
    }

    /** {@code operation}: generate, rotate, emergency_rotate, revoke, schedule_destruction, cancel_destruction, update_policy. */
    public Approval request(String operation, String keyId, Map<String, ?> parameters) {
        Body body = Body.empty().put("operation", operation).put("key_id", keyId).put("parameters", parameters);
        return http.post("/approvals", body.map(), Approval.class, Repeat.ONLY_IF_REFUSED);
    }

    public Approval get(String approvalId) {
        return http.get("/approvals/" + Transport.segment(approvalId), Map.of(), Approval.class);
    }

    /** {@code filters}: tenant_id, status, mine, cursor, limit. */
    public ApprovalPage list(Map<String, ?> filters) {
        return http.get("/approvals", filters, ApprovalPage.class);
    }

    public ApprovalGrant approve(String approvalId) {
        return http.post("/approvals/" + Transport.segment(approvalId) + "/approve", Map.of(), ApprovalGrant.class,
                Repeat.ONLY_IF_REFUSED);
    }
}
