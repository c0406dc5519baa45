-- What a tenant has recorded for GDPR and prompt scanning: its default purpose, legal bases for
-- transfers out of the EEA and for special categories, and how prompt injections are handled.
-- No row means the defaults (refuse transfers without a basis, block injections at 0.5).
CREATE TABLE compliance_profiles (
    tenant_id              UUID PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    default_purpose        TEXT CHECK (default_purpose ~ '^[a-z][a-z0-9_]{0,62}$'),
    transfer_bases         JSONB NOT NULL DEFAULT '{}',
    special_category_bases JSONB NOT NULL DEFAULT '{}',
    transfer_choice        TEXT NOT NULL DEFAULT 'refuse' CHECK (transfer_choice IN ('refuse', 'redact')),
    injection_threshold    NUMERIC(4, 3) NOT NULL DEFAULT 0.5 CHECK (injection_threshold BETWEEN 0 AND 1),
    injection_action       TEXT NOT NULL DEFAULT 'block' CHECK (injection_action IN ('block', 'flag', 'log_only')),
    scan_responses         BOOLEAN NOT NULL DEFAULT false,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
