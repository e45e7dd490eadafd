package com.zeroui.kms.audit;

import java.util.List;

/** Somewhere receipts are forwarded to (the evidence ledger M27). Delivery is at least once. */
public interface ReceiptSink {
    /** Stable name, used for the delivery cursor, metrics and health. */
    String name();

    /** Delivers a batch in log order; returns normally only when the sink has acknowledged all of it. */
    void deliver(List<AuditRepository.ReceiptRow> receipts) throws Exception;

    /**
     * Delivers signed tree heads in size order (an outside witness copy of the log); returns normally
     * only when acknowledged. A sink that keeps no heads ignores them.
     */
    default void deliverTreeHeads(List<TreeHead> heads) throws Exception {
        // keeps receipts only
    }
}
