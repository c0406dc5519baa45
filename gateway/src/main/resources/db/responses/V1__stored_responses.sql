-- Responses kept for tenants whose content logging allows it (decision 0821): the response object
-- and the conversation it ends, each encrypted with the tenant's key; kept until expires_at (the
-- tenant's retention), deleted on request and when the tenant is erased.
CREATE TABLE stored_responses (
    tenant_id           UUID NOT NULL,
    id                  TEXT NOT NULL,
    call_id             TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    response_sealed     BYTEA NOT NULL,
    conversation_sealed BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX stored_responses_expiry ON stored_responses (tenant_id, expires_at);
