package gatehouse.residency_test

import data.gatehouse.residency

eu_tenant := {"id": "acme", "residency_regions": ["eu-west", "eu-central"]}

test_routes_only_to_allowed_regions_of_a_multi_region_model if {
	model := {"id": "m", "regions": ["eu-west", "us-east"]}
	residency.permitted_regions == {"eu-west"} with input as {"tenant": eu_tenant, "model": model}
	count(residency.reasons) == 0 with input as {"tenant": eu_tenant, "model": model}
}

test_refuses_model_with_backends_only_outside_allowed_regions if {
	model := {"id": "m", "regions": ["us-east", "us-west"]}
	codes := {r.code | some r in residency.reasons} with input as {"tenant": eu_tenant, "model": model}
	codes == {"RESIDENCY_NO_ALLOWED_REGION"}
}

test_refuses_tenant_without_residency_regions if {
	codes := {r.code | some r in residency.reasons} with input as {"tenant": {"id": "t"}, "model": {"id": "m", "regions": ["eu-west"]}}
	codes == {"RESIDENCY_NO_ALLOWED_REGION"}
}
