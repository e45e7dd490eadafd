-- The tamper-evident receipt log (RFC 9162 Merkle tree). Rows are only ever inserted: the service
-- has no UPDATE or DELETE statement for these tables except the head counter.

CREATE TABLE kms_audit_head (
    id        INTEGER PRIMARY KEY,
    tree_size BIGINT  NOT NULL
);
INSERT INTO kms_audit_head (id, tree_size) VALUES (1, 0);

CREATE TABLE kms_audit_receipts (
    log_index    BIGINT       PRIMARY KEY,
    receipt_id   VARCHAR(36)  NOT NULL,
    ts           BIGINT       NOT NULL,
    tenant_id    VARCHAR(64)  NOT NULL,
    key_id       VARCHAR(300),
    operation    VARCHAR(32)  NOT NULL,
    success      INTEGER      NOT NULL,
    receipt_json TEXT         NOT NULL
);
CREATE UNIQUE INDEX kms_audit_receipts_id ON kms_audit_receipts (receipt_id);
CREATE INDEX kms_audit_receipts_tenant ON kms_audit_receipts (tenant_id, log_index);
CREATE INDEX kms_audit_receipts_key ON kms_audit_receipts (key_id, log_index);

-- Hashes of complete subtrees: (level, node_index) covers leaves [node_index·2^level, (node_index+1)·2^level).
CREATE TABLE kms_audit_nodes (
    level      INTEGER NOT NULL,
    node_index BIGINT  NOT NULL,
    hash       ${blob} NOT NULL,
    PRIMARY KEY (level, node_index)
);

CREATE TABLE kms_audit_tree_heads (
    tree_size BIGINT       PRIMARY KEY,
    root_hash VARCHAR(64)  NOT NULL,
    ts        BIGINT       NOT NULL,
    key_id    VARCHAR(36)  NOT NULL,
    signature VARCHAR(128) NOT NULL
);
