-- Key custody (issue 9): where each key's material lives, and which master-key version wraps it.
-- software: wrapped_material is a blob wrapped by the master-key version in master_key_id.
-- hsm: the material is a token object labelled kms-key:<key_id>; wrapped_material is empty and
-- master_key_id is 'hsm-resident' (nothing wraps it).
ALTER TABLE kms_keys ADD COLUMN protection_level VARCHAR(16) NOT NULL DEFAULT 'software';
-- master-key rotation re-wraps, in batches, the rows still naming the old version
CREATE INDEX kms_keys_master_key ON kms_keys (master_key_id, key_id);
