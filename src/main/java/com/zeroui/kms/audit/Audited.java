package com.zeroui.kms.audit;

/** An operation's result together with the id of its durable receipt. */
public record Audited<T>(T value, String receiptId) {
}
