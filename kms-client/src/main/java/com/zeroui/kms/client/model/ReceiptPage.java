package com.zeroui.kms.client.model;

import java.util.List;
import java.util.Map;

/** One page of an audit search. */
public record ReceiptPage(List<LoggedReceipt> receipts, String nextCursor, Map<String, Object> sealedUpTo) {}
