package com.zeroui.kms.audit;

import java.util.List;

/** Somewhere receipts are forwarded to (the evidence ledger M27). Delivery is at least once. */
public interface ReceiptSink {
    /** Stable name, used for the delivery cursor, metrics and health. */
    String name();

    /** Delivers a batch in log order; returns normally only when the sink has acknowledged all of it. */
    void deliver(List<AuditRepository.ReceiptRow> receipts) throws Exception;
}
