-- The models that take a call, in order, when none of a model's backends can serve it. A model
-- that is deleted disappears from the fallbacks of the others: its publisher need not ask theirs.
CREATE TABLE model_fallbacks (
    model_id          TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL CHECK (position >= 0),
    fallback_model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    PRIMARY KEY (model_id, position),
    UNIQUE (model_id, fallback_model_id),
    CHECK (fallback_model_id <> model_id)
);
CREATE INDEX model_fallbacks_fallback ON model_fallbacks (fallback_model_id);
