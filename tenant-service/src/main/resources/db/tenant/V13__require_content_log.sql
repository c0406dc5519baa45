-- Whether a call fails when the content the policy obliges to log cannot be stored durably.
ALTER TABLE compliance_profiles ADD COLUMN require_content_log BOOLEAN NOT NULL DEFAULT false;
