-- Key lifecycle as data: when and why a key left the active state, what replaced it, and when its
-- material is (or was) erased. Destroyed keys keep their row as a tombstone; only the wrapped
-- material is erased (overwritten with an empty value).
ALTER TABLE kms_keys ADD COLUMN revoked_at BIGINT;
ALTER TABLE kms_keys ADD COLUMN revocation_reason VARCHAR(32);
ALTER TABLE kms_keys ADD COLUMN destroy_after BIGINT;
ALTER TABLE kms_keys ADD COLUMN destroyed_at BIGINT;
ALTER TABLE kms_keys ADD COLUMN state_before_destruction VARCHAR(32);
ALTER TABLE kms_keys ADD COLUMN predecessor_key_id VARCHAR(36);
ALTER TABLE kms_keys ADD COLUMN successor_key_id VARCHAR(36);
ALTER TABLE kms_keys ADD COLUMN rotation_period_days INTEGER;
-- the lifecycle scheduler's three questions, each answered from an index
CREATE INDEX kms_keys_state_valid_until ON kms_keys (key_state, valid_until);
CREATE INDEX kms_keys_state_destroy_after ON kms_keys (key_state, destroy_after);
CREATE INDEX kms_keys_state_created ON kms_keys (key_state, created_at);
