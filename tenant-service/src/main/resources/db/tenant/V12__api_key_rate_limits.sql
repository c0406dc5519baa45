-- A key may carry rate limits of its own, lower than its tenant's plan (NULL: the plan's).
ALTER TABLE api_keys
    ADD COLUMN requests_per_minute INTEGER CHECK (requests_per_minute > 0),
    ADD COLUMN tokens_per_minute   BIGINT  CHECK (tokens_per_minute > 0);
