package gatehouse.input_validation_test

import data.gatehouse.input_validation

codes(facts) := result if {
	result := {r.code | some r in input_validation.reasons} with input as facts
}

valid := {
	"tenant": {"id": "acme"},
	"model": {"id": "m"},
	"request": {"pii_types": ["email"], "special_categories": ["health"]},
}

test_well_formed_input_passes if {
	codes(valid) == set()
}

test_refuses_missing_identifiers if {
	input_validation.malformed == {"tenant.id", "model.id"} with input as {"request": {}}
	codes({"request": {}}) == {"INPUT_INVALID"}
}

test_refuses_categories_that_are_not_strings if {
	facts := json.patch(valid, [{"op": "replace", "path": "/request/special_categories", "value": [42]}])
	codes(facts) == {"INPUT_INVALID"}
}

test_refuses_pii_types_that_are_not_strings if {
	facts := json.patch(valid, [{"op": "replace", "path": "/request/pii_types", "value": [{"type": "email"}]}])
	codes(facts) == {"INPUT_INVALID"}
}
