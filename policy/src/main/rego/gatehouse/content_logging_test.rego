package gatehouse.content_logging_test

import data.gatehouse.content_logging

call(logging, days, categories) := {
	"tenant": {"id": "acme", "content_logging": logging, "retention_days": days},
	"request": {"special_categories": categories},
}

test_logs_content_with_tenant_retention if {
	content_logging.log_content with input as call(true, 30, [])
	content_logging.retention_days == 30 with input as call(true, 30, [])
}

test_does_not_log_when_tenant_opts_out if {
	not content_logging.log_content with input as call(false, 30, [])
	content_logging.retention_days == 0 with input as call(false, 30, [])
}

test_never_logs_special_category_content if {
	not content_logging.log_content with input as call(true, 30, ["health"])
}

test_refuses_logging_without_valid_retention if {
	codes := {r.code | some r in content_logging.reasons} with input as call(true, 0, [])
	codes == {"CONTENT_RETENTION_INVALID"}
	not content_logging.log_content with input as call(true, 1.5, [])
}
