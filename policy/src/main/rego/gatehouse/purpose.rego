# Purpose limitation: the declared purpose, or the tenant's default, must be one the tenant allows.
package gatehouse.purpose

declared if {
	is_string(input.request.purpose)
	input.request.purpose != ""
}

default effective := ""

effective := input.request.purpose if declared

effective := input.tenant.default_purpose if {
	not declared
	is_string(input.tenant.default_purpose)
}

allowed(purpose) if purpose in input.tenant.allowed_purposes

reasons contains {
	"code": "PURPOSE_MISSING",
	"detail": "the request declares no purpose and the tenant has no default purpose",
} if {
	effective == ""
}

reasons contains {
	"code": "PURPOSE_NOT_ALLOWED",
	"detail": concat("", ["purpose ", effective, " is not allowed for tenant ", input.tenant.id]),
} if {
	effective != ""
	not allowed(effective)
}
