package com.zeroui.kms.client.model;

/** An approval and its single-use token. */
public record ApprovalGrant(String approvalId, String status, String approvalToken, String expiresAt, String operation, String keyId, String parametersDigest, String requestedBy, String approvedBy, String receiptId) {}
