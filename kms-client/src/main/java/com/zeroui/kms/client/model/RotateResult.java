package com.zeroui.kms.client.model;

/** The successor and the key it replaced. */
public record RotateResult(KeyMetadata key, KeyMetadata previousKey, String receiptId) {}
