package dev.gatehouse.gateway.routing;

import java.util.List;

/**
 * A fallback model that could not take a call, and why: {@code not_available} (unknown to the
 * caller's tenant), {@code wrong_kind}, {@code key_scope} (the API key may not use it),
 * {@code retired}, {@code responses_api_not_served} (a Responses call passed through as it is, and
 * a backend of the fallback serves only chat), {@code policy_denied} (with the policy's reason codes, such as
 * {@code RESIDENCY_NO_ALLOWED_REGION} or {@code MODEL_NOT_SUBSCRIBED}), {@code policy_unavailable},
 * or {@code personal_data_unredactable} (its policy asks for a redaction the prompt does not allow).
 */
public record SkippedFallback(String modelId, String reason, List<String> policyReasons) {

    public SkippedFallback {
        policyReasons = List.copyOf(policyReasons);
    }

    static SkippedFallback because(String modelId, String reason) {
        return new SkippedFallback(modelId, reason, List.of());
    }

    /** As the audit record keeps it: {@code model:reason} or {@code model:policy_denied[CODE+CODE]}. */
    public String summary() {
        return modelId + ":" + reason + (policyReasons.isEmpty() ? "" : "[" + String.join("+", policyReasons) + "]");
    }
}
