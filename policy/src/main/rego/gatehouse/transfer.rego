# Cross-border transfers (GDPR chapter V): personal data leaves the EEA only to a destination with
# an adequacy decision or a transfer mechanism (SCCs, BCRs) the tenant has recorded for it.
# Lawful regions are preferred; when none is left, the tenant's choice applies: refuse the call,
# or redact the personal data and send it anyway.
package gatehouse.transfer

import data.gatehouse.reference
import data.gatehouse.residency

default pii_types := set()

pii_types := {pii | some pii in input.request.pii_types}

default special_categories := set()

special_categories := {category | some category in input.request.special_categories}

personal_data if count(pii_types) > 0

personal_data if count(special_categories) > 0

jurisdiction(region) := reference.regions[region].jurisdiction

lawful_destination(region) if reference.eea_jurisdictions[jurisdiction(region)]

lawful_destination(region) if reference.adequacy_jurisdictions[jurisdiction(region)]

lawful_destination(region) if reference.transfer_mechanisms[input.tenant.transfer_bases[region]]

lawful_regions contains region if {
	some region in residency.permitted_regions
	lawful_destination(region)
}

# Redaction removes detected PII types; special-category content cannot be redacted reliably.
redacting if {
	personal_data
	count(lawful_regions) == 0
	count(residency.permitted_regions) > 0
	input.tenant.transfer_choice == "redact"
	count(special_categories) == 0
}

default route_regions := set()

route_regions := residency.permitted_regions if not personal_data

route_regions := lawful_regions if {
	personal_data
	count(lawful_regions) > 0
}

route_regions := residency.permitted_regions if redacting

default redact := set()

redact := pii_types if redacting

reasons contains {
	"code": "TRANSFER_NO_LEGAL_BASIS",
	"detail": concat("", ["no legal basis to transfer personal data to ", concat(", ", sort(residency.permitted_regions))]),
} if {
	personal_data
	count(residency.permitted_regions) > 0
	count(lawful_regions) == 0
	not redacting
}
