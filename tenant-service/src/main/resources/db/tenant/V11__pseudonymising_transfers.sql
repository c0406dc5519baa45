-- A third transfer choice: pseudonymise personal data for the backend and restore it in the answer.
ALTER TABLE compliance_profiles DROP CONSTRAINT compliance_profiles_transfer_choice_check;
ALTER TABLE compliance_profiles ADD CONSTRAINT compliance_profiles_transfer_choice_check
    CHECK (transfer_choice IN ('refuse', 'redact', 'pseudonymise'));
