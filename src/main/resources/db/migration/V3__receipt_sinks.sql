-- Delivery progress of each receipt sink: receipts with log_index < delivered_up_to have been
-- acknowledged by the sink. The receipt log itself is the outbox; this is only a cursor into it.
CREATE TABLE kms_receipt_sink_cursors (
    sink            VARCHAR(64) PRIMARY KEY,
    delivered_up_to BIGINT      NOT NULL
);
