-- The webhook secret is sealed with the tenant's own key (crypto-shredded with it) instead of kept in
-- plain text. Secrets stored in plain text before are sealed by the gateway at start, which then
-- clears the old column (BudgetStore.migrate).
ALTER TABLE tenant_settings ADD COLUMN webhook_secret_sealed BYTEA;

DO $$
DECLARE
    constraint_name TEXT;
BEGIN
    FOR constraint_name IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'tenant_settings'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%webhook_secret%'
    LOOP
        EXECUTE format('ALTER TABLE tenant_settings DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END $$;

ALTER TABLE tenant_settings ADD CONSTRAINT webhook_has_a_secret
    CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL AND webhook_secret_sealed IS NULL));
