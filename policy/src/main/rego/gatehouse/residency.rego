# Data residency: a call is processed only in regions the tenant allows.
package gatehouse.residency

# Regions where the model has a backend and the tenant allows processing.
permitted_regions contains region if {
	some region in input.model.regions
	region in input.tenant.residency_regions
}

reasons contains {
	"code": "RESIDENCY_NO_ALLOWED_REGION",
	"detail": concat("", ["model ", input.model.id, " has no backend in a region tenant ", input.tenant.id, " allows"]),
} if {
	count(permitted_regions) == 0
}
