-- CRLs of external CAs, ingested so that validation works with no outbound network. One row per
-- issuer and authority key: a newer CRL (higher CRL number) replaces the older one.
CREATE TABLE kms_external_crls (
    crl_id        VARCHAR(64)  PRIMARY KEY,
    issuer_dn     VARCHAR(1024) NOT NULL,
    crl_number    VARCHAR(64)  NOT NULL,
    this_update   BIGINT       NOT NULL,
    next_update   BIGINT,
    entries       BIGINT       NOT NULL,
    crl_der       ${blob}      NOT NULL,
    ingested_at   BIGINT       NOT NULL,
    ingested_by   VARCHAR(128) NOT NULL
);
