package dev.gatehouse.policy;

import java.util.Objects;

/** Everything a decision depends on besides the static reference data bundled with the policy. */
public record PolicyInput(TenantFacts tenant, PrincipalFacts principal, ModelFacts model, RequestFacts request) {

    public PolicyInput {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(request, "request");
    }

    /** SHA-256 (hex) of this input's canonical JSON; the audit record keeps it beside the decision. */
    public String digest() {
        return DecisionCodec.encode(this).digest();
    }
}
