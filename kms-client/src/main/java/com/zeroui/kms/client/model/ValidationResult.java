package com.zeroui.kms.client.model;

import java.util.List;
import java.util.Map;

/** The outcome of strict chain validation; the reason codes are in docs/chain-validation.md. */
public record ValidationResult(boolean valid, String reason, String detail, List<Map<String, Object>> path, Integer failedIndex, Map<String, Object> revocation, String receiptId) {}
