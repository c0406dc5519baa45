package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.answer.AnswerStep;
import dev.gatehouse.gateway.answer.PlainAnswer;
import dev.gatehouse.gateway.responses.PassedThroughEvents;
import dev.gatehouse.gateway.responses.ResponseKeeping;
import dev.gatehouse.gateway.responses.ResponsesRequest;
import dev.gatehouse.gateway.responses.ResponsesTranslation;
import dev.gatehouse.gateway.responses.StoredResponses;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Serves {@code POST /v1/responses}. When every backend of the model serves the Responses API
 * itself, and no step must rewrite or judge the answer as chat (response scanning, pseudonym
 * restoration), the call goes to them as it is and their typed events come back as they are
 * (decision 0820); the request is first checked to hold only what the prompt scan reads. Otherwise,
 * on chat completions backends, it replaces the call's body by its
 * chat translation before any step reads it, so that limits, prompt inspection (every input item,
 * as the chat message it becomes), policy, metering, routing and audit treat it exactly as a chat
 * call; and translates the answer back as the outermost rewrite, after metering, pseudonym
 * restoration and response inspection have seen it as chat. Untranslatable requests are refused
 * here with a 400 naming the field. {@code store} and {@code previous_response_id} are the
 * gateway's own ({@link ResponseKeeping}, decision 0821).
 */
public final class ResponsesTranslationFilter implements GlobalFilter, Ordered {

    private final StoredResponses storedResponses;
    private final Scheduler blocking;

    /** @param blocking where the stored responses are read and written (JDBC, and a key service that may be remote) */
    public ResponsesTranslationFilter(StoredResponses storedResponses, Scheduler blocking) {
        this.storedResponses = storedResponses;
        this.blocking = blocking;
    }

    @Override
    public int getOrder() {
        return GatewayStep.RESPONSES_TRANSLATION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (context.endpoint() != Endpoint.RESPONSES) {
            return chain.filter(exchange);
        }
        ResponseKeeping keeping = ResponseKeeping.of(storedResponses, blocking, context);
        return keeping.continueConversation().then(Mono.defer(() -> {
            if (!keeping.asksForNothing()) {
                context.addAnswerStep(new KeptAnswer(keeping));
            }
            if (passesThrough(context)) {
                ResponsesRequest.checkPassThrough(context.body());
                // the gateway keeps responses where the tenant's content log allows it; the backend keeps none
                context.body().put("store", false);
                context.responsesPassedThrough(true);
                context.addAnswerStep(new PassedThroughAnswer());
                return chain.filter(exchange);
            }
            ResponsesTranslation translation = ResponsesTranslation.of(context.body(), context.receivedAt());
            context.body(translation.chatRequest());
            context.addAnswerStep(new TranslatedAnswer(translation));
            return chain.filter(exchange);
        }));
    }

    /** Response scanning and pseudonym restoration read answers as chat, so a tenant using either has its calls translated. */
    private boolean passesThrough(CallContext context) {
        if (!context.model().backendsServeResponsesApi()) {
            return false;
        }
        ComplianceProfile profile = context.complianceProfile();
        return !profile.scanResponses() && !profile.pseudonymisesTransfers();
    }

    /** The Responses API answer as the caller gets it, kept (and marked) before it goes on. */
    private record KeptAnswer(ResponseKeeping keeping) implements AnswerStep {

        @Override
        public boolean holdsPlainAnswer() {
            return true;
        }

        @Override
        public Mono<PlainAnswer> plain(PlainAnswer answer) {
            return keeping.plain(answer);
        }

        @Override
        public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
            return keeping.events(events);
        }
    }

    /** The backend's own Responses API answer: a plain one goes on as it came. */
    private record PassedThroughAnswer() implements AnswerStep {

        @Override
        public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
            return PassedThroughEvents.of(events);
        }
    }

    private record TranslatedAnswer(ResponsesTranslation translation) implements AnswerStep {

        @Override
        public boolean holdsPlainAnswer() {
            return true;
        }

        @Override
        public Mono<PlainAnswer> plain(PlainAnswer answer) {
            if (answer.json() instanceof ObjectNode completion && completion.path("choices").isArray()) {
                answer.replace(translation.response(completion));
            }
            return Mono.just(answer);
        }

        @Override
        public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
            return translation.events(events);
        }
    }

    @Override
    public String toString() {
        return "ResponsesTranslation[as it is to backends serving the Responses API, else to chat completions and back]";
    }
}
