package com.zeroui.kms.client.model;

import java.util.List;

/** One page of a key listing; pass {@code nextCursor} to continue (null: the last page). */
public record KeyPage(List<KeyMetadata> keys, String nextCursor, String receiptId) {}
