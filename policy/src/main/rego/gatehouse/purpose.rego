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

reasons contains {
	"code": "PURPOSE_MISSING",
	"detail": "the request declares no purpose and the tenant has no default purpose",
} if {
	effective == ""
}

reasons contains {
	"code": "PURPOSE_NOT_ALLOWED",
	"detail": sprintf("purpose %s is not allowed for tenant %s", [effective, input.tenant.id]),
} if {
	effective != ""
	not effective in input.tenant.allowed_purposes
}
