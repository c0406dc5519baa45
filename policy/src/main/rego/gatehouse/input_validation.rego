# Input validation: the identifiers and categories that reasons name must be strings. Without this,
# a malformed input would make a reason's detail undefined and drop the reason (failing open).
# (Checks go through helper rules: `not f(input.x)` is false, not true, when input.x is undefined.)
package gatehouse.input_validation

tenant_id_valid if is_string(input.tenant.id)

model_id_valid if is_string(input.model.id)

malformed contains "tenant.id" if not tenant_id_valid

malformed contains "model.id" if not model_id_valid

malformed contains "request.pii_types" if {
	some pii in input.request.pii_types
	not is_string(pii)
}

malformed contains "request.special_categories" if {
	some category in input.request.special_categories
	not is_string(category)
}

reasons contains {
	"code": "INPUT_INVALID",
	"detail": concat("", ["malformed input: ", concat(", ", sort(malformed))]),
} if {
	count(malformed) > 0
}
