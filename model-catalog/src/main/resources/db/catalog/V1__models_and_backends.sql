CREATE TABLE models (
    id               TEXT PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'),
    kind             TEXT NOT NULL CHECK (kind IN ('chat', 'embeddings')),
    display_name     TEXT NOT NULL,
    publisher        TEXT NOT NULL,
    description      TEXT NOT NULL,
    simulator        BOOLEAN NOT NULL DEFAULT FALSE,
    input_price_per_million_tokens  NUMERIC(12, 6) NOT NULL DEFAULT 0,
    output_price_per_million_tokens NUMERIC(12, 6) NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE backends (
    id             TEXT PRIMARY KEY,
    model_id       TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    base_url       TEXT NOT NULL,
    upstream_model TEXT NOT NULL,
    region         TEXT NOT NULL CHECK (region ~ '^[a-z]{2,8}-[a-z]{2,16}$'),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX backends_model ON backends (model_id);
