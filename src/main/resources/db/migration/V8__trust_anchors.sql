-- Trust anchors: CA certificates the platform trusts, GLOBAL or per tenant, distributed per plane.
-- planes is the canonical comma-separated subset of laptop,tenant,product,shared (a closed set of
-- four; the plane filter matches ',plane,'). version is the change number that added the anchor.
CREATE TABLE kms_trust_anchors (
    anchor_id          VARCHAR(36)   PRIMARY KEY,
    tenant_id          VARCHAR(64)   NOT NULL,
    anchor_type        VARCHAR(16)   NOT NULL,
    planes             VARCHAR(64)   NOT NULL,
    fingerprint_sha256 VARCHAR(64)   NOT NULL,
    subject            VARCHAR(2048) NOT NULL,
    not_before         BIGINT        NOT NULL,
    not_after          BIGINT        NOT NULL,
    key_size_bits      INTEGER       NOT NULL,
    certificate_pem    TEXT          NOT NULL,
    version            BIGINT        NOT NULL,
    created_at         BIGINT        NOT NULL,
    created_by         VARCHAR(128)  NOT NULL
);
-- One certificate at most once per scope; several nodes seeding the internal root race safely.
CREATE UNIQUE INDEX kms_trust_anchors_certificate ON kms_trust_anchors (tenant_id, fingerprint_sha256);
CREATE INDEX kms_trust_anchors_tenant ON kms_trust_anchors (tenant_id, anchor_id);

-- The trust store's change counter: every add or remove takes the next number under this row's
-- lock, held to commit, so changes are totally ordered on every node.
CREATE TABLE kms_trust_head (
    id      INTEGER PRIMARY KEY,
    version BIGINT  NOT NULL
);
INSERT INTO kms_trust_head (id, version) VALUES (1, 0);

-- The last change number per (scope, plane). The version of the effective bundle for (tenant,
-- plane) is the larger of the GLOBAL row and the tenant's row: it grows exactly when either layer
-- of that bundle changes.
CREATE TABLE kms_trust_versions (
    tenant_id VARCHAR(64) NOT NULL,
    plane     VARCHAR(16) NOT NULL,
    version   BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, plane)
);
