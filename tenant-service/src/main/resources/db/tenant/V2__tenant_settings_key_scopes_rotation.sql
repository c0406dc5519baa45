-- Tenant attributes the data plane and the policy need: plan limits, residency, purposes, content logging.
ALTER TABLE tenants
    ADD COLUMN requests_per_minute INTEGER NOT NULL DEFAULT 600 CHECK (requests_per_minute > 0),
    ADD COLUMN tokens_per_minute   BIGINT  NOT NULL DEFAULT 200000 CHECK (tokens_per_minute > 0),
    ADD COLUMN monthly_budget      NUMERIC(14, 2) CHECK (monthly_budget >= 0),
    ADD COLUMN residency_regions   TEXT[]  NOT NULL DEFAULT '{eu-west,eu-central}' CHECK (cardinality(residency_regions) > 0),
    ADD COLUMN allowed_purposes    TEXT[]  NOT NULL DEFAULT '{}',
    ADD COLUMN content_logging     BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN retention_days      INTEGER NOT NULL DEFAULT 0 CHECK (retention_days BETWEEN 0 AND 3650),
    ADD CONSTRAINT logged_content_is_retained CHECK (NOT content_logging OR retention_days > 0);

-- Key scopes (NULL: unrestricted) and rotation: the key that replaced this one.
ALTER TABLE api_keys
    ADD COLUMN allowed_models    TEXT[] CHECK (cardinality(allowed_models) > 0),
    ADD COLUMN allowed_endpoints TEXT[] CHECK (cardinality(allowed_endpoints) > 0),
    ADD COLUMN replaced_by       TEXT;

-- Deleted keys leave a tombstone, so that every gateway's incremental refresh forgets them too.
CREATE TABLE api_key_tombstones (
    key_id     TEXT PRIMARY KEY,
    deleted_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX api_key_tombstones_deleted ON api_key_tombstones (deleted_at);

CREATE FUNCTION remember_deleted_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tenant.api_key_tombstones (key_id) VALUES (OLD.key_id)
    ON CONFLICT (key_id) DO UPDATE SET deleted_at = clock_timestamp();
    RETURN OLD;
END;
$$;

CREATE TRIGGER api_keys_tombstone AFTER DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION remember_deleted_api_key();
