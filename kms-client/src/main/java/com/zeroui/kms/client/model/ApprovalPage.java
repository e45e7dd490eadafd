package com.zeroui.kms.client.model;

import java.util.List;

/** One page of approvals. */
public record ApprovalPage(List<Approval> approvals, String nextCursor, String receiptId) {}
