package gatehouse.purpose_test

import data.gatehouse.purpose

tenant := {"id": "acme", "allowed_purposes": ["support", "analytics"], "default_purpose": "support"}

codes(facts) := result if {
	result := {r.code | some r in purpose.reasons} with input as facts
}

test_declared_allowed_purpose_passes if {
	facts := {"tenant": tenant, "request": {"purpose": "analytics"}}
	purpose.effective == "analytics" with input as facts
	codes(facts) == set()
}

test_missing_purpose_falls_back_to_tenant_default if {
	facts := {"tenant": tenant, "request": {}}
	purpose.effective == "support" with input as facts
	codes(facts) == set()
}

test_empty_purpose_falls_back_to_tenant_default if {
	purpose.effective == "support" with input as {"tenant": tenant, "request": {"purpose": ""}}
}

test_refuses_purpose_outside_allowed_set if {
	codes({"tenant": tenant, "request": {"purpose": "marketing"}}) == {"PURPOSE_NOT_ALLOWED"}
}

test_refuses_when_neither_request_nor_tenant_names_a_purpose if {
	codes({"tenant": {"id": "acme", "allowed_purposes": ["support"]}, "request": {}}) == {"PURPOSE_MISSING"}
}

test_refuses_when_tenant_has_no_allowed_purposes if {
	codes({"tenant": {"id": "acme", "default_purpose": "support"}, "request": {}}) == {"PURPOSE_NOT_ALLOWED"}
}
