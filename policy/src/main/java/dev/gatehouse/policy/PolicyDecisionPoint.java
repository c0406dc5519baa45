package dev.gatehouse.policy;

/**
 * Decides whether a call may proceed under the tenant's residency and GDPR rules, and under which
 * obligations. Implementations evaluate the same Rego policy and give identical decisions.
 *
 * <p>Implementations are thread-safe. They never answer with a guess: when no decision can be
 * obtained they throw {@link PolicyUnavailableException}, and the caller refuses the call.
 */
public interface PolicyDecisionPoint {

    /**
     * @throws PolicyUnavailableException when the policy cannot be evaluated or its result is invalid
     */
    PolicyDecision decide(PolicyInput input);
}
