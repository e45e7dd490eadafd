-- Shared by SQLite and PostgreSQL. ${blob} is BLOB on SQLite and BYTEA on PostgreSQL.
-- Times are epoch milliseconds (UTC) so both engines sort and compare them the same way.

CREATE TABLE kms_meta (
    name  VARCHAR(64)   PRIMARY KEY,
    value VARCHAR(4000) NOT NULL
);

CREATE TABLE kms_keys (
    key_id                    VARCHAR(36)   PRIMARY KEY,
    tenant_id                 VARCHAR(64)   NOT NULL,
    environment               VARCHAR(16)   NOT NULL,
    plane                     VARCHAR(16)   NOT NULL,
    key_type                  VARCHAR(16)   NOT NULL,
    key_usage                 VARCHAR(64)   NOT NULL,
    key_alias                 VARCHAR(256),
    key_state                 VARCHAR(32)   NOT NULL,
    created_at                BIGINT        NOT NULL,
    valid_from                BIGINT        NOT NULL,
    valid_until               BIGINT,
    rotation_count            INTEGER       NOT NULL,
    allowed_modules           VARCHAR(4000) NOT NULL,
    requires_approval         INTEGER       NOT NULL,
    max_usage_per_day         BIGINT        NOT NULL,
    created_by                VARCHAR(128)  NOT NULL,
    public_key                ${blob},
    wrapped_material          ${blob}       NOT NULL,
    master_key_id             VARCHAR(32)   NOT NULL,
    aead_invocations_reserved BIGINT        NOT NULL DEFAULT 0
);
-- NULL aliases never collide in either engine.
CREATE UNIQUE INDEX kms_keys_alias ON kms_keys (tenant_id, environment, key_alias);
CREATE INDEX kms_keys_tenant ON kms_keys (tenant_id, key_id);
CREATE INDEX kms_keys_type_state ON kms_keys (key_type, key_state);

CREATE TABLE kms_ca (
    ca_id               VARCHAR(64)  PRIMARY KEY,
    ca_role             VARCHAR(16)  NOT NULL,
    certificate_pem     TEXT         NOT NULL,
    wrapped_private_key ${blob}      NOT NULL,
    master_key_id       VARCHAR(32)  NOT NULL,
    created_at          BIGINT       NOT NULL
);

CREATE TABLE kms_issued_certificates (
    serial          VARCHAR(64)  PRIMARY KEY,
    ca_id           VARCHAR(64)  NOT NULL,
    subject_uri     VARCHAR(512) NOT NULL,
    profile         VARCHAR(16)  NOT NULL,
    not_before      BIGINT       NOT NULL,
    not_after       BIGINT       NOT NULL,
    certificate_pem TEXT         NOT NULL,
    created_at      BIGINT       NOT NULL
);
