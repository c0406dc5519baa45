-- A publisher's view of its models sums their daily totals across every calling tenant.
CREATE INDEX usage_daily_model_day ON usage_daily (model_id, day);
