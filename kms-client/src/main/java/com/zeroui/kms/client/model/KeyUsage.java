package com.zeroui.kms.client.model;

/** Today's (UTC) uses of a key against its daily limit. */
public record KeyUsage(String keyId, String day, long usedToday, long maxUsagePerDay, String receiptId) {}
