-- Special categories of personal data (GDPR Art. 9) a model's operator has certified it for.
ALTER TABLE models ADD COLUMN certified_special_categories TEXT[] NOT NULL DEFAULT '{}';

CREATE TABLE subscriptions (
    tenant_id  UUID NOT NULL,
    model_id   TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, model_id)
);
