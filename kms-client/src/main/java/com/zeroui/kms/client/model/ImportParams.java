package com.zeroui.kms.client.model;

/**
 * A one-time BYOK wrapping key from {@code POST /keys/import-params}: wrap key material for it with
 * {@link com.zeroui.kms.client.KeyMaterialWrapping#wrap}, then import it with the token before
 * {@code expiresAt}.
 */
public record ImportParams(String importToken, String keyType, String wrappingAlgorithm, String wrappingPublicKey,
                           String expiresAt, String receiptId) {}
