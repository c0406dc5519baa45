package gatehouse.transfer_test

import data.gatehouse.transfer

tenant_facts(regions, bases, choice) := {"id": "acme", "residency_regions": regions, "transfer_bases": bases, "transfer_choice": choice}

call(tenant, model_regions, pii, special) := {
	"tenant": tenant,
	"model": {"id": "m", "regions": model_regions},
	"request": {"pii_types": pii, "special_categories": special},
}

codes(facts) := result if {
	result := {r.code | some r in transfer.reasons} with input as facts
}

test_data_without_personal_data_goes_to_every_permitted_region if {
	facts := call(tenant_facts(["eu-west", "us-east"], {}, "refuse"), ["eu-west", "us-east"], [], [])
	transfer.route_regions == {"eu-west", "us-east"} with input as facts
	codes(facts) == set()
}

test_personal_data_prefers_lawful_regions if {
	facts := call(tenant_facts(["eu-west", "us-east"], {}, "refuse"), ["eu-west", "us-east"], ["email"], [])
	transfer.route_regions == {"eu-west"} with input as facts
	codes(facts) == set()
}

test_adequacy_decision_makes_a_destination_lawful if {
	facts := call(tenant_facts(["uk-south", "ch-north"], {}, "refuse"), ["uk-south", "ch-north"], ["email"], [])
	transfer.route_regions == {"uk-south", "ch-north"} with input as facts
	codes(facts) == set()
}

test_recorded_sccs_make_a_destination_lawful if {
	facts := call(tenant_facts(["us-east"], {"us-east": "scc"}, "refuse"), ["us-east"], ["email"], [])
	transfer.route_regions == {"us-east"} with input as facts
	codes(facts) == set()
}

test_unrecognised_mechanism_is_no_legal_basis if {
	facts := call(tenant_facts(["us-east"], {"us-east": "consent"}, "refuse"), ["us-east"], ["email"], [])
	codes(facts) == {"TRANSFER_NO_LEGAL_BASIS"}
}

test_sccs_for_another_destination_do_not_count if {
	facts := call(tenant_facts(["us-east"], {"us-west": "scc"}, "refuse"), ["us-east"], ["name"], [])
	codes(facts) == {"TRANSFER_NO_LEGAL_BASIS"}
	transfer.route_regions == set() with input as facts
}

test_redact_choice_sends_redacted_personal_data if {
	facts := call(tenant_facts(["us-east"], {}, "redact"), ["us-east"], ["email", "phone"], [])
	codes(facts) == set()
	transfer.redact == {"email", "phone"} with input as facts
	transfer.route_regions == {"us-east"} with input as facts
}

test_redact_choice_cannot_cover_special_categories if {
	facts := call(tenant_facts(["us-east"], {}, "redact"), ["us-east"], [], ["health"])
	codes(facts) == {"TRANSFER_NO_LEGAL_BASIS"}
	transfer.redact == set() with input as facts
}

test_unknown_region_is_treated_as_outside_the_eea if {
	facts := call(tenant_facts(["mars-1"], {}, "refuse"), ["mars-1"], ["email"], [])
	codes(facts) == {"TRANSFER_NO_LEGAL_BASIS"}
}
