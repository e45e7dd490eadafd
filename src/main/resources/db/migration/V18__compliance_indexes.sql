-- The compliance report (issue 15) asks "which live keys have no allowed_modules?" every few
-- seconds; a partial index keeps that an index lookup at a million keys (SQLite and PostgreSQL both
-- support WHERE on CREATE INDEX), and it stays empty while every key names its modules.
CREATE INDEX kms_keys_without_modules ON kms_keys (key_state, key_id) WHERE allowed_modules = '';
