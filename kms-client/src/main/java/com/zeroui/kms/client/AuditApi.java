package com.zeroui.kms.client;

import com.zeroui.kms.client.model.ConsistencyProof;
import com.zeroui.kms.client.model.EventPage;
import com.zeroui.kms.client.model.ReceiptKeys;
import com.zeroui.kms.client.model.ReceiptPage;
import com.zeroui.kms.client.model.ReceiptProof;
import com.zeroui.kms.client.model.SignedTreeHead;
import java.util.LinkedHashMap;
import java.util.Map;

/** The receipt log (receipts, proofs, tree heads, receipt keys) and the event feed. */
public final class AuditApi {
    private final Transport http;

    AuditApi(Transport http) {
        this.http = http;
    }

    /** A receipt with its inclusion proof to the latest signed tree head; check it with {@code ReceiptVerifier}. */
    public ReceiptProof receipt(String receiptId) {
        return http.get("/receipts/" + Transport.segment(receiptId), Map.of(), ReceiptProof.class);
    }

    public SignedTreeHead treeHead() {
        return http.get("/audit/tree-head", Map.of(), SignedTreeHead.class);
    }

    public ConsistencyProof consistency(long first, long second) {
        return http.get("/audit/consistency", Map.of("first", first, "second", second), ConsistencyProof.class);
    }

    /** Every receipt-signing public key with its validity: what receipts and tree heads are verified with. */
    public ReceiptKeys receiptKeys() {
        return http.get("/audit/receipt-keys", Map.of(), ReceiptKeys.class);
    }

    /** Every service key (receipt, approval-token, trust-bundle signing) with purpose and validity. */
    public com.fasterxml.jackson.databind.JsonNode serviceKeys() {
        return http.get("/service-keys", Map.of(), com.fasterxml.jackson.databind.JsonNode.class);
    }

    /** {@code filters}: tenant_id, key_id, operation, from, to, success, cursor, limit. */
    public ReceiptPage search(Map<String, ?> filters) {
        return http.get("/audit/receipts", filters, ReceiptPage.class);
    }

    /** Events after {@code after} (null: from the start), at most {@code limit} (null: the service's default). */
    public EventPage events(String after, Integer limit, String tenantId) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("after", after);
        q.put("limit", limit);
        q.put("tenant_id", tenantId);
        return http.get("/events", q, EventPage.class);
    }
}
