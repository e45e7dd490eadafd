-- Sealed ranges of the receipt log (retention). A seal moves receipts [first_index, end_index) into an
-- archive file that carries the signed tree head at end_index and the Merkle frontier at first_index,
-- so the range verifies on its own; the row pins the file's SHA-256. Seals are contiguous: each one
-- starts where the previous ended (the first at 0). Only after its row and its audit_sealed receipt
-- are durable are the range's receipt rows, tree heads below end_index and subtree hashes that no
-- later proof needs removed from the live tables. Seal rows themselves are never deleted.
CREATE TABLE kms_audit_seals (
    first_index    BIGINT       PRIMARY KEY,
    end_index      BIGINT       NOT NULL UNIQUE,
    archive_file   VARCHAR(255) NOT NULL,
    archive_sha256 VARCHAR(64)  NOT NULL,
    root_hash      VARCHAR(64)  NOT NULL,
    first_ts       BIGINT       NOT NULL,
    last_ts        BIGINT       NOT NULL,
    sealed_at      BIGINT       NOT NULL,
    receipt_index  BIGINT
);
