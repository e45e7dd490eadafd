package com.zeroui.kms.client.model;

import java.util.List;
import java.util.Map;

/** A CA certificate trusted for some planes of a scope. */
public record TrustAnchor(String trustAnchorId, String tenantId, String anchorType, List<String> planes, String certificatePem, String fingerprintSha256, String subject, String notBefore, String notAfter, Integer keySizeBits, String version, String createdAt, String createdBy, Map<String, Object> revocation, Boolean removed, String receiptId) {}
