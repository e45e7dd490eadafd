package com.zeroui.kms.client.model;

import java.util.List;
import java.util.Map;

/** A JWK Set (RFC 7517 §5) of a scope's signing keys. */
public record Jwks(List<Map<String, Object>> keys, String receiptId) {}
