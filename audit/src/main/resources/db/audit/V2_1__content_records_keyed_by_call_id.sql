-- Content is keyed by the gateway's call id; the caller's X-Request-Id is kept as a non-unique
-- attribute, looked up within a tenant. Records written before carried a unique request id, which
-- becomes their call id (their ciphertexts are bound to it, so they stay readable).
ALTER TABLE content_records ADD COLUMN call_id TEXT;
UPDATE content_records SET call_id = request_id;
ALTER TABLE content_records ALTER COLUMN call_id SET NOT NULL;
ALTER TABLE content_records DROP CONSTRAINT content_records_pkey;
ALTER TABLE content_records ADD PRIMARY KEY (call_id);
CREATE INDEX content_records_tenant_request ON content_records (tenant_id, request_id);
