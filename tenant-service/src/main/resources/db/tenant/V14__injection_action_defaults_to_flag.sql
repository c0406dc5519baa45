-- A tenant that never chose an action for suspected prompt injection gets `flag` (decision 0233):
-- the call goes through, marked in its answer headers and its audit record. The column's default
-- follows, for rows written without the action.
ALTER TABLE compliance_profiles ALTER COLUMN injection_action SET DEFAULT 'flag';
