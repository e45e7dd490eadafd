package com.zeroui.kms.client.model;

/** Whether a signature is valid; {@code valid: false} is an answer, not an error. */
public record VerifyResult(boolean valid, String keyId, String algorithm, String receiptId) {}
