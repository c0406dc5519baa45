# Content logging: prompts and completions are logged only when the tenant asks for it, with the
# tenant's retention; never for calls carrying special-category data (data minimisation).
package gatehouse.content_logging

requested if input.tenant.content_logging == true

valid_retention if {
	is_number(input.tenant.retention_days)
	input.tenant.retention_days == round(input.tenant.retention_days)
	input.tenant.retention_days > 0
}

default log_content := false

log_content if {
	requested
	valid_retention
	count({category | some category in input.request.special_categories}) == 0
}

default retention_days := 0

retention_days := input.tenant.retention_days if log_content

reasons contains {
	"code": "CONTENT_RETENTION_INVALID",
	"detail": concat("", ["tenant ", input.tenant.id, " asks for content logging without a positive whole number of retention days"]),
} if {
	requested
	not valid_retention
}
