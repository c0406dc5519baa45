-- A tenant's own budget and alerting (without a row: the plan's monthly budget, alerts at 50/80/100 %,
-- no webhook, calls refused when the limit store is unreachable).
CREATE TABLE tenant_settings (
    tenant_id          UUID PRIMARY KEY,
    limit_usd          NUMERIC(14, 2) CHECK (limit_usd >= 0),
    period_start       DATE,
    period_days        INTEGER CHECK (period_days BETWEEN 1 AND 366),
    alert_thresholds   INTEGER[] NOT NULL,
    webhook_url        TEXT,
    webhook_secret     TEXT,
    admit_when_limits_unreachable BOOLEAN NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    CHECK ((period_start IS NULL) = (period_days IS NULL)),
    CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
);

CREATE TABLE key_budgets (
    key_id       TEXT PRIMARY KEY,
    tenant_id    UUID NOT NULL,
    limit_usd    NUMERIC(14, 2) NOT NULL CHECK (limit_usd >= 0),
    period_start DATE,
    period_days  INTEGER CHECK (period_days BETWEEN 1 AND 366),
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK ((period_start IS NULL) = (period_days IS NULL))
);

CREATE INDEX key_budgets_tenant ON key_budgets (tenant_id);

-- Each threshold of each budget is crossed once per period: the primary key makes it so across replicas.
CREATE TABLE alerts (
    tenant_id    UUID NOT NULL,
    key_id       TEXT NOT NULL,   -- '' for the tenant's budget
    period_start TIMESTAMPTZ NOT NULL,
    threshold    INTEGER NOT NULL,
    event_id     TEXT NOT NULL UNIQUE,
    spent_usd    NUMERIC(20, 9) NOT NULL,
    limit_usd    NUMERIC(14, 2) NOT NULL,
    crossed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, key_id, period_start, threshold)
);

-- Webhook deliveries, kept until the receiver acknowledges them; retried with back-off meanwhile.
CREATE TABLE webhook_outbox (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       UUID NOT NULL,
    event_id        TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    last_error      TEXT
);

CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE delivered_at IS NULL;
