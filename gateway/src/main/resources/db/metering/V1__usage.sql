CREATE TABLE usage (
    request_id        TEXT PRIMARY KEY,
    tenant_id         UUID NOT NULL,
    key_id            TEXT NOT NULL,
    endpoint          TEXT NOT NULL,
    model_id          TEXT NOT NULL,
    backend_id        TEXT NOT NULL,
    region            TEXT NOT NULL,
    status            INTEGER NOT NULL,
    streamed          BOOLEAN NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    usage_reported    BOOLEAN NOT NULL,
    cost              NUMERIC(20, 9) NOT NULL,
    latency_ms        INTEGER NOT NULL,
    occurred_at       TIMESTAMPTZ NOT NULL
);

CREATE INDEX usage_tenant_time ON usage (tenant_id, occurred_at);
