-- The two-sided marketplace: publishers' models with cards, licences, lifecycle, visibility,
-- price history and compliance attributes; backends with capacity, timeouts, TLS and sealed
-- upstream credentials; subscriptions that may wait for the publisher's approval.

ALTER TABLE models DROP CONSTRAINT models_kind_check;
ALTER TABLE models ADD CONSTRAINT models_kind_code CHECK (kind ~ '^[a-z][a-z0-9_-]{1,31}$');
ALTER TABLE models
    ADD COLUMN owner_tenant_id     UUID,
    ADD COLUMN model_card          TEXT NOT NULL DEFAULT '',
    ADD COLUMN license             TEXT NOT NULL DEFAULT '',
    ADD COLUMN context_length      INTEGER CHECK (context_length > 0),
    ADD COLUMN certifications      TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN data_retention_days INTEGER CHECK (data_retention_days >= 0),
    ADD COLUMN zero_retention      BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN status              TEXT NOT NULL DEFAULT 'ga' CHECK (status IN ('preview', 'ga', 'deprecated')),
    ADD COLUMN deprecated_at       TIMESTAMPTZ,
    ADD COLUMN sunset_at           TIMESTAMPTZ,
    ADD COLUMN visibility          TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private', 'shared')),
    ADD COLUMN approval_required   BOOLEAN NOT NULL DEFAULT FALSE,
    ADD CONSTRAINT models_sunset_only_when_deprecated
        CHECK ((status = 'deprecated') = (sunset_at IS NOT NULL) AND (status = 'deprecated') = (deprecated_at IS NOT NULL));
CREATE INDEX models_owner ON models (owner_tenant_id);

CREATE TABLE model_prices (
    model_id              TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    effective_from        TIMESTAMPTZ NOT NULL,
    input_per_million     NUMERIC(14, 6) NOT NULL CHECK (input_per_million >= 0),
    output_per_million    NUMERIC(14, 6) NOT NULL CHECK (output_per_million >= 0),
    per_request           NUMERIC(14, 6) NOT NULL DEFAULT 0 CHECK (per_request >= 0),
    currency              TEXT NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    PRIMARY KEY (model_id, effective_from)
);
INSERT INTO model_prices (model_id, effective_from, input_per_million, output_per_million)
    SELECT id, created_at, input_price_per_million_tokens, output_price_per_million_tokens FROM models;
ALTER TABLE models DROP COLUMN input_price_per_million_tokens, DROP COLUMN output_price_per_million_tokens;

CREATE TABLE model_shares (
    model_id  TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    tenant_id UUID NOT NULL,
    PRIMARY KEY (model_id, tenant_id)
);

-- Built-in backends are each gateway process's own now and never stored (they were upserted
-- under fixed ids with each process's loopback URL, so replicas overwrote each other).
DELETE FROM backends WHERE id IN ('builtin-minilm', 'builtin-chat-simulator');
ALTER TABLE backends
    ADD COLUMN gpu_type              TEXT,
    ADD COLUMN gpu_count             INTEGER NOT NULL DEFAULT 0 CHECK (gpu_count >= 0),
    ADD COLUMN max_concurrency       INTEGER NOT NULL DEFAULT 64 CHECK (max_concurrency >= 1),
    ADD COLUMN weight                INTEGER NOT NULL DEFAULT 100 CHECK (weight >= 1),
    ADD COLUMN connect_timeout_ms    INTEGER NOT NULL DEFAULT 2000 CHECK (connect_timeout_ms >= 1),
    ADD COLUMN response_timeout_ms   INTEGER NOT NULL DEFAULT 120000 CHECK (response_timeout_ms >= 1),
    ADD COLUMN tls_ca_pem            TEXT,
    ADD COLUMN tls_client_cert_pem   TEXT,
    ADD COLUMN tls_client_key_sealed BYTEA,
    ADD COLUMN credential_scheme     TEXT CHECK (credential_scheme IN ('bearer', 'api_key')),
    ADD COLUMN credential_header     TEXT,
    ADD COLUMN credential_sealed     BYTEA,
    ADD COLUMN created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD CONSTRAINT backends_credential_complete CHECK ((credential_scheme IS NULL) = (credential_sealed IS NULL)),
    ADD CONSTRAINT backends_client_certificate_complete CHECK ((tls_client_cert_pem IS NULL) = (tls_client_key_sealed IS NULL));

ALTER TABLE subscriptions
    ADD COLUMN status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'rejected')),
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX subscriptions_model ON subscriptions (model_id);
