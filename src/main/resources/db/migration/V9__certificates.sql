-- Certificate enrollment and revocation (CRL and OCSP).

-- Every issued certificate keeps its revocation state. Rows written before this migration (the
-- bootstrap admin, `kms cert issue` on a data directory) are active.
ALTER TABLE kms_issued_certificates ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'active';
ALTER TABLE kms_issued_certificates ADD COLUMN revoked_at BIGINT;
ALTER TABLE kms_issued_certificates ADD COLUMN revocation_reason VARCHAR(32);
-- SPIFFE ID of the caller that enrolled the certificate; NULL for offline issuance from a data directory.
ALTER TABLE kms_issued_certificates ADD COLUMN requested_by VARCHAR(512);
-- The subject key, e.g. EC-P256, RSA-3072, Ed25519; NULL for rows issued before this migration.
ALTER TABLE kms_issued_certificates ADD COLUMN key_algorithm VARCHAR(32);
-- Listing pages through (created_at, serial); modules list their own subject; CRLs read a CA's revoked rows.
CREATE INDEX kms_issued_certificates_created ON kms_issued_certificates (created_at, serial);
CREATE INDEX kms_issued_certificates_subject ON kms_issued_certificates (subject_uri, created_at, serial);
CREATE INDEX kms_issued_certificates_status ON kms_issued_certificates (ca_id, status);

-- One row per CA, made by its first revocation or CRL. revocation_epoch counts changes to the CA's revoked set (bumped in the same
-- transaction as the change); the cached CRL records the epoch it was built from, so every node
-- sees when it is out of date. crl_number only grows: a new CRL is published by compare-and-set
-- on it, so two nodes regenerating at once publish one CRL under one number.
CREATE TABLE kms_crls (
    ca_id            VARCHAR(64) PRIMARY KEY,
    revocation_epoch BIGINT      NOT NULL,
    crl_number       BIGINT      NOT NULL,
    built_epoch      BIGINT,
    this_update      BIGINT,
    next_update      BIGINT,
    crl_der          ${blob}
);

-- The delegated OCSP responder of a CA (RFC 6960 §4.2.2.2): its certificate and its private key,
-- wrapped by the master key. Replaced by compare-and-set on the serial when it nears expiry.
CREATE TABLE kms_ocsp_responders (
    ca_id               VARCHAR(64)  PRIMARY KEY,
    serial              VARCHAR(64)  NOT NULL,
    certificate_pem     TEXT         NOT NULL,
    wrapped_private_key ${blob}      NOT NULL,
    master_key_id       VARCHAR(32)  NOT NULL,
    not_after           BIGINT       NOT NULL,
    created_at          BIGINT       NOT NULL
);
