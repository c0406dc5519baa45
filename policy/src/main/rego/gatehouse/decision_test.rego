package gatehouse.decision_test

import data.gatehouse

call := {
	"tenant": {
		"id": "acme",
		"residency_regions": ["eu-west"],
		"allowed_purposes": ["support"],
		"default_purpose": "support",
		"transfer_bases": {},
		"special_category_bases": {},
		"transfer_choice": "refuse",
		"content_logging": true,
		"retention_days": 7,
	},
	"principal": {"id": "key-1", "kind": "api_key"},
	"model": {"id": "m", "regions": ["eu-west", "us-east"], "certified_special_categories": [], "subscribed": true},
	"request": {"purpose": null, "pii_types": ["email"], "special_categories": [], "client_region": "eu-west"},
}

test_allows_compliant_call_with_obligations if {
	gatehouse.decision == {
		"allow": true,
		"reasons": [],
		"purpose": "support",
		"obligations": {"route_regions": ["eu-west"], "redact": [], "log_content": true, "retention_days": 7},
	} with input as call
}

test_collects_reasons_of_every_concern_sorted if {
	bad := json.patch(call, [
		{"op": "replace", "path": "/model/subscribed", "value": false},
		{"op": "replace", "path": "/request/purpose", "value": "marketing"},
	])
	d := gatehouse.decision with input as bad
	not d.allow
	[r.code | some r in d.reasons] == ["MODEL_NOT_SUBSCRIBED", "PURPOSE_NOT_ALLOWED"]
}

test_refuses_malformed_input_instead_of_dropping_reasons if {
	malformed := json.patch(call, [{"op": "replace", "path": "/request/special_categories", "value": [7]}])
	d := gatehouse.decision with input as malformed
	not d.allow
	"INPUT_INVALID" in {r.code | some r in d.reasons}
}
