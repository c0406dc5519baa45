-- The size and time of each log's latest checkpoint, beside its head: the cadence finds the logs that
-- grew since their last checkpoint with one query over this table (oldest checkpoint first, a bounded
-- number per run) instead of one query per log. No index on the comparison: it would make every
-- append's update of the head row a non-HOT update, on the hottest row of the schema.
ALTER TABLE logs ADD COLUMN checkpointed_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE logs ADD COLUMN checkpointed_at TIMESTAMPTZ;
UPDATE logs SET checkpointed_size = latest.size, checkpointed_at = latest.signed_at
FROM (SELECT DISTINCT ON (log_id) log_id, size, signed_at FROM checkpoints ORDER BY log_id, size DESC) latest
WHERE logs.log_id = latest.log_id;
