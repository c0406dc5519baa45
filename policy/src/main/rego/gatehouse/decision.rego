# The decision the gateway enforces: it composes every concern; any reason refuses the call.
# Reason details are built with concat, not sprintf: sprintf is not native to OPA's Wasm target and
# would cost a call out to the host on every refusal.
package gatehouse

import data.gatehouse.content_logging
import data.gatehouse.input_validation
import data.gatehouse.model_access
import data.gatehouse.purpose
import data.gatehouse.residency
import data.gatehouse.special_categories
import data.gatehouse.transfer

reasons contains reason if some reason in input_validation.reasons

reasons contains reason if some reason in residency.reasons

reasons contains reason if some reason in transfer.reasons

reasons contains reason if some reason in purpose.reasons

reasons contains reason if some reason in special_categories.reasons

reasons contains reason if some reason in model_access.reasons

reasons contains reason if some reason in content_logging.reasons

# Arrays are sorted so that every evaluator (OPA server, Wasm) emits the same JSON.
decision := {
	"allow": count(reasons) == 0,
	"reasons": sort(reasons),
	"purpose": purpose.effective,
	"obligations": {
		"route_regions": sort(transfer.route_regions),
		"redact": sort(transfer.redact),
		"log_content": content_logging.log_content,
		"retention_days": content_logging.retention_days,
	},
}
