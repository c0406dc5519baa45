package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.policy.CallPolicy;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Step 5: asks the policy decision point whether this tenant may send this request to this model,
 * for the declared purpose ({@code X-Gatehouse-Purpose}, else the tenant's default), given the
 * personal data found in it. A refusal is a 403 with the policy's reason codes; a decision point
 * that cannot decide refuses the call with 503 (fail closed). When the call may proceed, the
 * redaction obligation is applied to the prompt here; routing and content logging read the rest.
 */
public final class PolicyDecisionFilter implements GlobalFilter, Ordered {

    private final CallPolicy policy;
    private final String decisionPointName;

    public PolicyDecisionFilter(CallPolicy policy, String decisionPointName) {
        this.policy = policy;
        this.decisionPointName = decisionPointName;
    }

    @Override
    public int getOrder() {
        return GatewayStep.POLICY_DECISION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        return policy.decide(context, context.model(), exchange.getRequest().getHeaders().getFirst(CallPolicy.PURPOSE_HEADER))
                .flatMap(decision -> {
                    context.decision(decision);
                    if (!decision.allow()) {
                        return Mono.error(CallPolicy.refusal(decision));
                    }
                    if (!decision.obligations().redact().isEmpty()) {
                        policy.redact(context);
                    }
                    return chain.filter(exchange);
                });
    }

    @Override
    public String toString() {
        return "PolicyDecision[" + decisionPointName + "]";
    }
}
