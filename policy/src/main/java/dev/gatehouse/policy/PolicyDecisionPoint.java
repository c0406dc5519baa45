package dev.gatehouse.policy;

import java.util.Optional;

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

    /**
     * The decision {@link #decide} would give, when it is at hand without evaluating or waiting
     * (a remembered one); empty otherwise. Never blocks, so it may run on an event loop.
     */
    default Optional<PolicyDecision> known(PolicyInput input) {
        return Optional.empty();
    }
}
