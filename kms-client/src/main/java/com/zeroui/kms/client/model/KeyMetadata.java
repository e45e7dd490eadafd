package com.zeroui.kms.client.model;

import java.util.List;

/** Metadata of a managed key (key material never leaves the service). */
public record KeyMetadata(String keyId, String tenantId, String environment, String plane, String keyType, List<String> keyUsage, String keyAlias, String publicKey, String keyState, String createdAt, String validFrom, String validUntil, int rotationCount, AccessPolicy accessPolicy, String protectionLevel, String origin, String receiptId) {}
