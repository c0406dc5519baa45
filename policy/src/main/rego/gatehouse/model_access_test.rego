package gatehouse.model_access_test

import data.gatehouse.model_access

codes(facts) := result if {
	result := {r.code | some r in model_access.reasons} with input as facts
}

test_subscribed_model_passes if {
	codes({"tenant": {"id": "acme"}, "model": {"id": "m", "subscribed": true}}) == set()
}

test_refuses_unsubscribed_model if {
	codes({"tenant": {"id": "acme"}, "model": {"id": "m", "subscribed": false}}) == {"MODEL_NOT_SUBSCRIBED"}
}

test_refuses_model_without_subscription_fact if {
	codes({"tenant": {"id": "acme"}, "model": {"id": "m"}}) == {"MODEL_NOT_SUBSCRIBED"}
}
