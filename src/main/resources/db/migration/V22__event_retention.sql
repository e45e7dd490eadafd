-- Event retention (issue 15): events with seq <= pruned_through were removed from the outbox after
-- every sink had delivered them and the retention period had passed. The pull feed starts after it,
-- and a cursor below it is answered 410 instead of silently skipping what was pruned.
ALTER TABLE kms_event_head ADD COLUMN pruned_through BIGINT NOT NULL DEFAULT 0;
