package com.zeroui.kms.client.model;

/** A receipt-signing public key and the time it was valid. */
public record ReceiptKey(String keyId, String algorithm, String publicKey, String createdAt, String notBefore, String notAfter, String status) {}
