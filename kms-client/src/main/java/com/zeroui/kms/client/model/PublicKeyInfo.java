package com.zeroui.kms.client.model;

import java.util.Map;

/** The public half of an asymmetric key, as PEM (SPKI) and JWK. */
public record PublicKeyInfo(String keyId, String tenantId, String environment, String plane, String keyType, String keyState, String algorithm, String publicKey, Map<String, Object> jwk, String receiptId) {}
