CREATE TABLE records (
    seq          BIGINT PRIMARY KEY,
    tenant_id    UUID,
    request_id   TEXT NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL,
    event        TEXT NOT NULL,
    prev_hash    BYTEA NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash         BYTEA NOT NULL CHECK (octet_length(hash) = 32)
);

CREATE INDEX records_tenant ON records (tenant_id, seq);
CREATE INDEX records_request ON records (request_id);
