package com.zeroui.kms.client.model;

import java.util.Map;

/** A dual-authorization request and its state. */
public record Approval(String approvalId, String status, String operation, String keyId, String tenantId, Map<String, Object> parameters, String parametersDigest, String requestedBy, String createdAt, String expiresAt, String approvedBy, String approvedAt, String tokenExpiresAt, String consumedAt, String receiptId) {}
