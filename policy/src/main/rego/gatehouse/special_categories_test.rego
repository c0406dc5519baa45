package gatehouse.special_categories_test

import data.gatehouse.special_categories

call(bases, certified, categories) := {
	"tenant": {"id": "acme", "special_category_bases": bases},
	"model": {"id": "m", "certified_special_categories": certified},
	"request": {"special_categories": categories},
}

codes(facts) := result if {
	result := {r.code | some r in special_categories.reasons} with input as facts
}

test_no_special_categories_needs_no_basis if {
	codes(call({}, [], [])) == set()
}

test_health_data_with_basis_and_certified_model_passes if {
	codes(call({"health": "explicit_consent"}, ["health"], ["health"])) == set()
}

test_refuses_health_data_without_recorded_basis if {
	codes(call({}, ["health"], ["health"])) == {"SPECIAL_CATEGORY_NO_BASIS"}
}

test_refuses_basis_that_is_not_an_art9_basis if {
	codes(call({"health": "legitimate_interest"}, ["health"], ["health"])) == {"SPECIAL_CATEGORY_NO_BASIS"}
}

test_refuses_model_not_certified_for_the_category if {
	codes(call({"biometric": "explicit_consent"}, ["health"], ["biometric"])) == {"SPECIAL_CATEGORY_MODEL_NOT_CERTIFIED"}
}

test_refuses_unknown_category if {
	codes(call({}, [], ["astrology"])) == {"SPECIAL_CATEGORY_UNKNOWN"}
}

test_reports_each_category_separately if {
	facts := call({"health": "explicit_consent"}, [], ["health", "religious_or_philosophical_beliefs"])
	codes(facts) == {"SPECIAL_CATEGORY_NO_BASIS", "SPECIAL_CATEGORY_MODEL_NOT_CERTIFIED"}
}

test_refuses_model_without_certifications if {
	facts := {
		"tenant": {"id": "acme", "special_category_bases": {"health": "explicit_consent"}},
		"model": {"id": "m"},
		"request": {"special_categories": ["health"]},
	}
	codes(facts) == {"SPECIAL_CATEGORY_MODEL_NOT_CERTIFIED"}
}
