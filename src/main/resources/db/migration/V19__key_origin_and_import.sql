-- Issue 13 §2 (new operations). Where a key's material came from: generated here, derived here
-- (POST /derive with store_as) or external (BYOK import). Keys before this migration were generated.
ALTER TABLE kms_keys ADD COLUMN origin VARCHAR(16) NOT NULL DEFAULT 'generated';

-- BYOK import parameters: a one-time RSA-3072 wrapping key per request. The private key is wrapped
-- by the master key like any key's material; a row is spent (used_at) by the one import it serves
-- and refused after expires_at. Any node can serve the import.
CREATE TABLE kms_import_params (
    import_token        VARCHAR(64)   PRIMARY KEY,
    tenant_id           VARCHAR(64)   NOT NULL,
    environment         VARCHAR(16)   NOT NULL,
    plane               VARCHAR(16)   NOT NULL,
    key_type            VARCHAR(16)   NOT NULL,
    requested_by        VARCHAR(512)  NOT NULL,
    public_key          ${blob}       NOT NULL,
    wrapped_private_key ${blob}       NOT NULL,
    master_key_id       VARCHAR(128)  NOT NULL,
    created_at          BIGINT        NOT NULL,
    expires_at          BIGINT        NOT NULL,
    used_at             BIGINT
);
CREATE INDEX kms_import_params_expiry ON kms_import_params (expires_at);
