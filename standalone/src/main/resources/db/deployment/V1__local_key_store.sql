-- The local key store that holds the tenant keys of this database, when tenant keys are not in
-- Vault Transit: at most one, bound by the first process that used the database (KeyStoreBinding).
CREATE TABLE local_key_store (
    singleton     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    key_store_id  TEXT NOT NULL,
    key_store     TEXT NOT NULL,
    bound_at      TIMESTAMPTZ NOT NULL
);
