# Model access: a tenant calls only models it is subscribed to.
package gatehouse.model_access

reasons contains {
	"code": "MODEL_NOT_SUBSCRIBED",
	"detail": concat("", ["tenant ", input.tenant.id, " is not subscribed to model ", input.model.id]),
} if {
	not input.model.subscribed == true
}
