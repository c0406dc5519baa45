package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.policy.CallPolicy;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.policy.PolicyReason;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * Judges whether a fallback model may take a call that its requested model cannot serve. A
 * fallback is held to every rule the requested model was: the caller's tenant must see it, it must
 * serve the endpoint, the API key's scope must allow it, it must not be past its sunset, and the
 * policy, asked again with the fallback's regions and certifications and the tenant's subscription
 * to it, must allow the call; its decision (regions to route to, content logging) then governs the
 * call. Nothing is sent to a fallback the policy did not allow (decision 0510).
 */
public final class FallbackModels {

    private final ModelCatalog catalog;
    private final CallPolicy policy;
    private final Clock clock;

    public FallbackModels(ModelCatalog catalog, CallPolicy policy, Clock clock) {
        this.catalog = catalog;
        this.policy = policy;
        this.clock = clock;
    }

    /** What judging a fallback found. */
    public sealed interface Verdict {
    }

    /** The fallback may take the call under {@code decision}; {@code rewrotePrompt} when its policy asked for a redaction the prompt had not had. */
    public record Admitted(CatalogModel model, PolicyDecision decision, boolean rewrotePrompt) implements Verdict {
    }

    public record Skipped(SkippedFallback fallback) implements Verdict {
    }

    /**
     * @param purposeHeader  the caller's declared purpose, as the policy step read it
     * @param promptRewritten whether the prompt was already redacted for this call (it is never rewritten twice)
     */
    public Mono<Verdict> judge(CallContext context, String fallbackId, String purposeHeader, boolean promptRewritten) {
        CatalogModel fallback = catalog.find(fallbackId).filter(model -> model.visibleTo(context.tenant().id())).orElse(null);
        if (fallback == null) {
            return skipped(fallbackId, "not_available");
        }
        if (!fallback.serves(context.endpoint().modelKind())) {
            return skipped(fallbackId, "wrong_kind");
        }
        if (context.responsesPassedThrough() && !fallback.backendsServeResponsesApi()) {
            // the body is a Responses request by now, which a backend serving only chat cannot take
            return skipped(fallbackId, "responses_api_not_served");
        }
        if (!context.principal().scopes().allowsModel(fallbackId)) {
            return skipped(fallbackId, "key_scope");
        }
        if (fallback.lifecycle().retiredAt(clock.instant())) {
            return skipped(fallbackId, "retired");
        }
        return policy.decide(context, fallback, purposeHeader)
                .<Verdict>map(decision -> admitted(context, fallback, decision, promptRewritten))
                .onErrorResume(ApiProblem.class, problem -> problem.type() == ProblemType.POLICY_UNAVAILABLE
                        ? skipped(fallbackId, "policy_unavailable") : Mono.error(problem));
    }

    private Verdict admitted(CallContext context, CatalogModel fallback, PolicyDecision decision, boolean promptRewritten) {
        if (!decision.allow()) {
            return new Skipped(new SkippedFallback(fallback.id(), "policy_denied", decision.reasons().stream().map(PolicyReason::code).toList()));
        }
        boolean rewrite = !promptRewritten && !decision.obligations().redact().isEmpty();
        if (rewrite) {
            try {
                policy.redact(context);
            } catch (ApiProblem unredactable) {
                return new Skipped(SkippedFallback.because(fallback.id(), "personal_data_unredactable"));
            }
        }
        return new Admitted(fallback, decision, rewrite);
    }

    private static Mono<Verdict> skipped(String fallbackId, String reason) {
        return Mono.just(new Skipped(SkippedFallback.because(fallbackId, reason)));
    }
}
