-- Export jobs: a long export runs in the background while its progress is polled; the bundle is a
-- file of the process that wrote it (runner: its host and data directory). Who asked for it is in the
-- audit log (the request that started it is a control-plane action).
CREATE TABLE export_jobs (
    job_id         UUID PRIMARY KEY,
    log_id         UUID NOT NULL,
    log_name       TEXT NOT NULL,
    window_from    TIMESTAMPTZ NOT NULL,
    window_to      TIMESTAMPTZ NOT NULL,
    record_format  TEXT NOT NULL,
    runner         TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
    records_total  BIGINT NOT NULL,
    records_done   BIGINT NOT NULL DEFAULT 0,
    bundle_bytes   BIGINT,
    error          TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ
);

CREATE INDEX export_jobs_of_log ON export_jobs (log_id, created_at);
