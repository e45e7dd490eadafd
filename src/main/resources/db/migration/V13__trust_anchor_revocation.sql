-- Trust anchors can be revoked (issue 11 §6): kept, with when, why and by whom, so that validation
-- names the revocation (ANCHOR_REVOKED) instead of merely not finding the anchor. NULL: not revoked.
ALTER TABLE kms_trust_anchors ADD COLUMN revoked_at BIGINT;
ALTER TABLE kms_trust_anchors ADD COLUMN revocation_reason VARCHAR(32);
ALTER TABLE kms_trust_anchors ADD COLUMN revoked_by VARCHAR(128);
