# Model access: a tenant calls only models it is subscribed to.
package gatehouse.model_access

reasons contains {
	"code": "MODEL_NOT_SUBSCRIBED",
	"detail": sprintf("tenant %s is not subscribed to model %s", [input.tenant.id, input.model.id]),
} if {
	not input.model.subscribed == true
}
