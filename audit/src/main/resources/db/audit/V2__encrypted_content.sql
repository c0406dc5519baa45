-- Prompts and completions of tenants that log content, encrypted with the tenant's own key
-- (envelope ciphertext from the crypto module); never plaintext. Kept until expires_at.
CREATE TABLE content_records (
    request_id  TEXT PRIMARY KEY,
    tenant_id   UUID NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    prompt      BYTEA NOT NULL,
    completion  BYTEA NOT NULL
);

CREATE INDEX content_records_expiry ON content_records (expires_at);
CREATE INDEX content_records_tenant ON content_records (tenant_id);
