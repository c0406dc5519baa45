-- A backend may serve OpenAI's Responses API itself (vLLM does): the gateway then sends it
-- Responses calls as they are instead of translating them to chat completions (decision 0820).
ALTER TABLE backends ADD COLUMN serves_responses_api BOOLEAN NOT NULL DEFAULT false;
