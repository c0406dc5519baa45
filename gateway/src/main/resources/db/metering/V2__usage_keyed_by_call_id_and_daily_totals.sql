-- A call is keyed by the gateway's own call id; the caller's X-Request-Id is an attribute that
-- repeats (a caller may reuse it, two tenants may pick the same one) and is looked up per tenant.
-- Rows written before carried a unique request id, which becomes their call id.
ALTER TABLE usage ADD COLUMN call_id TEXT;
UPDATE usage SET call_id = request_id;
ALTER TABLE usage ALTER COLUMN call_id SET NOT NULL;
ALTER TABLE usage DROP CONSTRAINT usage_pkey;
ALTER TABLE usage ADD PRIMARY KEY (call_id);
CREATE INDEX usage_tenant_request ON usage (tenant_id, request_id);
CREATE INDEX usage_key_time ON usage (key_id, occurred_at);

-- Time to the answer's first byte (the first event of a stream); null when no answer came.
ALTER TABLE usage ADD COLUMN first_token_ms INTEGER;
-- The tokenizer that counted the tokens when the backend reported none; null when it did.
ALTER TABLE usage ADD COLUMN counted_with TEXT;

-- Totals per tenant, key, model and UTC day, written in the transaction that inserts the calls
-- they sum, so that they always equal the sum of the per-call rows.
CREATE TABLE usage_daily (
    tenant_id         UUID NOT NULL,
    day               DATE NOT NULL,
    key_id            TEXT NOT NULL,
    model_id          TEXT NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    cost              NUMERIC(24, 9) NOT NULL,
    PRIMARY KEY (tenant_id, day, key_id, model_id)
);

INSERT INTO usage_daily (tenant_id, day, key_id, model_id, requests, prompt_tokens, completion_tokens, cost)
SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, key_id, model_id, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
FROM usage GROUP BY 1, 2, 3, 4;
