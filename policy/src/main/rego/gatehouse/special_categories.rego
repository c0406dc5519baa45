# Special categories of personal data (GDPR Art. 9): processed only when the tenant records an
# Art. 9(2) basis for the category and the model is certified for it.
package gatehouse.special_categories

import data.gatehouse.reference

default requested := set()

requested := {category | some category in input.request.special_categories}

has_basis(category) if reference.art9_bases[input.tenant.special_category_bases[category]]

certified(category) if category in input.model.certified_special_categories

reasons contains {
	"code": "SPECIAL_CATEGORY_UNKNOWN",
	"detail": concat("", [category, " is not a special category of personal data"]),
} if {
	some category in requested
	not reference.special_categories[category]
}

reasons contains {
	"code": "SPECIAL_CATEGORY_NO_BASIS",
	"detail": concat("", ["tenant ", input.tenant.id, " records no Art. 9 basis for ", category, " data"]),
} if {
	some category in requested
	reference.special_categories[category]
	not has_basis(category)
}

reasons contains {
	"code": "SPECIAL_CATEGORY_MODEL_NOT_CERTIFIED",
	"detail": concat("", ["model ", input.model.id, " is not certified for ", category, " data"]),
} if {
	some category in requested
	has_basis(category)
	not certified(category)
}
