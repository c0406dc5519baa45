package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * The answer of a {@link PolicyDecisionPoint}; the audit record keeps it whole.
 *
 * @param allow       true exactly when {@code reasons} is empty
 * @param reasons     why the call is refused, sorted by code
 * @param purpose     the purpose the call is processed for (declared or the tenant's default)
 * @param obligations what the gateway must do when the call proceeds
 * @param revision    revision of the policy bundle that decided
 * @param inputDigest SHA-256 (hex) of the canonical JSON of the input decided on
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PolicyDecision(
        boolean allow,
        List<PolicyReason> reasons,
        String purpose,
        PolicyObligations obligations,
        String revision,
        String inputDigest) {

    public PolicyDecision {
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(obligations, "obligations");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(inputDigest, "inputDigest");
        if (allow != reasons.isEmpty()) {
            throw new IllegalArgumentException("a decision allows exactly when it has no reasons");
        }
    }
}
