package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.answer.AnswerStep;
import dev.gatehouse.gateway.answer.SteppedAnswer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the model's answer once for every step that works on it (responses translation, response
 * inspection, pseudonym restoration, metering): those steps add their {@link AnswerStep} to the call
 * as they run, and this step, after them, installs the one decorator that frames and parses the
 * answer once and hands it through theirs, in reverse order of addition, so that each sees the
 * answer as every step closer to the backend left it. Installed before BackendResponse, so the
 * steps also see the error event that ends a broken stream.
 */
public final class AnswerStepsFilter implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return GatewayStep.ANSWER_STEPS.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.find(exchange);
        if (context == null || context.answerSteps().isEmpty()) {
            return chain.filter(exchange);
        }
        List<AnswerStep> fromTheBackend = new ArrayList<>(context.answerSteps());
        Collections.reverse(fromTheBackend);
        return chain.filter(exchange.mutate().response(new SteppedAnswer(exchange.getResponse(), fromTheBackend)).build());
    }

    @Override
    public String toString() {
        return "AnswerSteps[the answer framed and parsed once for the steps that work on it]";
    }
}
