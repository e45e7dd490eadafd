-- Instant retrieval of sealed receipts (issue 15). Where each archived receipt lies in its archive
-- (byte offset and length), with the columns the audit search filters on, so that GET /receipts/{id}
-- and the search answer from the archives with one indexed lookup and one ranged read. Who may read a
-- receipt is still decided by its signed content, read from the archive; the bytes read are proven
-- against the root the seal recorded. Rows of an archive are removed only when retention deletes it.
CREATE TABLE kms_audit_archived_receipts (
    log_index     BIGINT      PRIMARY KEY,
    receipt_id    VARCHAR(36) NOT NULL,
    archive_first BIGINT      NOT NULL,
    byte_offset   BIGINT      NOT NULL,
    byte_length   INTEGER     NOT NULL,
    ts            BIGINT      NOT NULL,
    tenant_id     VARCHAR(64) NOT NULL,
    key_id        VARCHAR(300),
    operation     VARCHAR(32) NOT NULL,
    success       INTEGER     NOT NULL
);
CREATE UNIQUE INDEX kms_audit_archived_id ON kms_audit_archived_receipts (receipt_id);
CREATE INDEX kms_audit_archived_tenant ON kms_audit_archived_receipts (tenant_id, log_index);
CREATE INDEX kms_audit_archived_key ON kms_audit_archived_receipts (key_id, log_index);
CREATE INDEX kms_audit_archived_archive ON kms_audit_archived_receipts (archive_first, log_index);

-- One row per indexed archive (first_index = its kms_audit_seals.first_index): the signed tree head at
-- its end, the Merkle frontier at its start ("level:index:hex" joined by ","), its node file, and, once
-- retention deleted it, when and by which receipt. The row stays after deletion, like the seal row.
CREATE TABLE kms_audit_archives (
    first_index         BIGINT       PRIMARY KEY,
    end_index           BIGINT       NOT NULL,
    nodes_file          VARCHAR(255) NOT NULL,
    end_head_json       TEXT         NOT NULL,
    start_frontier      TEXT         NOT NULL,
    indexed_at          BIGINT       NOT NULL,
    deleted_at          BIGINT,
    deletion_receipt_id VARCHAR(36)
);
