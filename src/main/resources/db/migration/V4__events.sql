-- The event outbox. Events are inserted in the same transaction as the state change they describe
-- (or, for operation events, as the operation's receipt). seq is assigned under the head row's lock,
-- so sequence order is commit order on every node: a cursor "delivered up to seq" never skips an
-- event that commits later with a smaller number.
CREATE TABLE kms_event_head (
    id       INTEGER PRIMARY KEY,
    last_seq BIGINT  NOT NULL
);
INSERT INTO kms_event_head (id, last_seq) VALUES (1, 0);

CREATE TABLE kms_events (
    seq          BIGINT       PRIMARY KEY,
    event_id     VARCHAR(36)  NOT NULL UNIQUE,
    event_type   VARCHAR(32)  NOT NULL,
    tenant_id    VARCHAR(64)  NOT NULL,
    ordering_key VARCHAR(64),
    ts           BIGINT       NOT NULL,
    event_json   TEXT         NOT NULL
);
-- The tenant-scoped pull feed reads (tenant_id, seq > cursor) in order.
CREATE INDEX kms_events_tenant_seq ON kms_events (tenant_id, seq);

-- Delivery progress of each event sink (events with seq <= delivered_seq are acknowledged), and
-- which node currently holds the right to deliver to it: one deliverer per sink keeps per-key order.
CREATE TABLE kms_event_sink_cursors (
    sink          VARCHAR(64) PRIMARY KEY,
    delivered_seq BIGINT      NOT NULL,
    lease_owner   VARCHAR(64),
    lease_until   BIGINT      NOT NULL DEFAULT 0
);
