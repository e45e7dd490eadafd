-- Dual authorization (two-person rule) and per-key daily usage counts.

-- One approval request and what became of it. Status changes are conditional updates
-- (pending → approved → consumed; expired when its time ran out), so each happens once across nodes.
CREATE TABLE kms_approvals (
    approval_id       VARCHAR(36)   PRIMARY KEY,
    operation         VARCHAR(32)   NOT NULL,
    key_id            VARCHAR(36),
    tenant_id         VARCHAR(64)   NOT NULL,
    environment       VARCHAR(16),
    plane             VARCHAR(16),
    parameters_json   TEXT          NOT NULL,
    parameters_digest VARCHAR(80)   NOT NULL,
    requested_by      VARCHAR(512)  NOT NULL,
    requested_module  VARCHAR(64)   NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    created_at        BIGINT        NOT NULL,
    expires_at        BIGINT        NOT NULL,
    approved_by       VARCHAR(512),
    approved_at       BIGINT,
    token_expires_at  BIGINT,
    consumed_at       BIGINT,
    CHECK (status IN ('pending', 'approved', 'consumed', 'expired'))
);
CREATE INDEX kms_approvals_tenant ON kms_approvals (tenant_id, created_at);

-- Tokens minted by external governance issuers, recorded when spent: (issuer, jti) once only.
CREATE TABLE kms_approval_external_uses (
    issuer     VARCHAR(64)  NOT NULL,
    jti        VARCHAR(128) NOT NULL,
    operation  VARCHAR(32)  NOT NULL,
    key_id     VARCHAR(36),
    used_at    BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    PRIMARY KEY (issuer, jti)
);

-- Uses of a key per UTC day (days since 1970-01-01), reserved by nodes in blocks; never above the
-- key's max_usage_per_day at the time of reservation.
CREATE TABLE kms_key_usage_daily (
    key_id    VARCHAR(36) NOT NULL,
    usage_day INTEGER     NOT NULL,
    reserved  BIGINT      NOT NULL,
    PRIMARY KEY (key_id, usage_day)
);
