package com.zeroui.kms.client.model;

import java.util.List;

/** A certificate the internal CA issued, with its state. */
public record Certificate(String serial, String caId, String subject, String profile, String status, String notBefore, String notAfter, String issuedAt, String requestedBy, String keyAlgorithm, String revokedAt, String revocationReason, String certificate, List<String> chain, String receiptId) {}
