-- The wait for the first byte of an answer and the pauses within it are timed apart: a model may
-- think long before it answers, while a stream that stalls mid-answer should end soon. Existing
-- backends keep the one timeout they had for both.
ALTER TABLE backends RENAME COLUMN response_timeout_ms TO first_byte_timeout_ms;
ALTER TABLE backends ADD COLUMN idle_timeout_ms INTEGER NOT NULL DEFAULT 30000 CHECK (idle_timeout_ms >= 1);
UPDATE backends SET idle_timeout_ms = first_byte_timeout_ms;
