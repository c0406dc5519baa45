-- One append-only Merkle log (RFC 9162) per tenant, one for platform events without a tenant, and
-- one global log whose leaves are the tenants' signed checkpoints. The hash chain of V1 is no longer
-- written; its table stays for the records it holds.

-- A log's head: its size and compact range (the right edge of the tree). Appenders lock this row,
-- so appends to one log are sequenced and appends to different logs run side by side.
CREATE TABLE logs (
    log_id         UUID PRIMARY KEY,
    size           BIGINT NOT NULL CHECK (size >= 0),
    compact_range  BYTEA NOT NULL,
    root           BYTEA NOT NULL CHECK (octet_length(root) = 32),
    legal_hold     BOOLEAN NOT NULL DEFAULT FALSE,
    retention_days INTEGER CHECK (retention_days > 0)
);

-- The leaves: each record's canonical JSON, exactly the bytes its leaf hash covers.
CREATE TABLE entries (
    log_id      UUID NOT NULL,
    idx         BIGINT NOT NULL,
    record_id   TEXT NOT NULL,
    request_id  TEXT,
    action      TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    leaf        TEXT,
    leaf_hash   BYTEA NOT NULL CHECK (octet_length(leaf_hash) = 32),
    PRIMARY KEY (log_id, idx),
    UNIQUE (log_id, record_id)
);

CREATE INDEX entries_time ON entries (log_id, recorded_at, idx);
CREATE INDEX entries_request ON entries (request_id);
CREATE INDEX entries_record ON entries (record_id);

-- Hashes of the perfect subtrees above the leaves (level 1 and up), written as appends complete
-- them: a proof reads O(log n) of them and never recomputes a subtree.
CREATE TABLE nodes (
    log_id UUID NOT NULL,
    level  SMALLINT NOT NULL CHECK (level > 0),
    idx    BIGINT NOT NULL,
    hash   BYTEA NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (log_id, level, idx)
);

CREATE TABLE checkpoints (
    log_id     UUID NOT NULL,
    size       BIGINT NOT NULL,
    root       BYTEA NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL,
    body       TEXT NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (log_id, size)
);

-- The public halves of every key that ever signed a checkpoint, from every replica, as PEM blocks
-- (crypto's PublicKeySet format); published at /.well-known/gatehouse-audit-keys.pem.
CREATE TABLE signing_keys (
    key_id     TEXT PRIMARY KEY,
    pem        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
