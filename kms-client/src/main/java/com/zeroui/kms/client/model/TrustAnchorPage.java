package com.zeroui.kms.client.model;

import java.util.List;

/** One page of trust anchors. */
public record TrustAnchorPage(List<TrustAnchor> trustAnchors, String nextCursor, String receiptId) {}
