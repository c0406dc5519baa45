package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.responses.PassedThroughEvents;
import dev.gatehouse.gateway.responses.ResponseKeeping;
import dev.gatehouse.gateway.responses.ResponsesRequest;
import dev.gatehouse.gateway.responses.ResponsesTranslation;
import dev.gatehouse.gateway.responses.StoredResponses;
import dev.gatehouse.gateway.sse.RewrittenAnswer;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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

    private static final ObjectMapper JSON = new ObjectMapper();

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
            ServerHttpResponse answer = keeping.asksForNothing() ? exchange.getResponse() : new KeptAnswer(exchange.getResponse(), keeping);
            if (passesThrough(context)) {
                ResponsesRequest.checkPassThrough(context.body());
                // the gateway keeps responses where the tenant's content log allows it; the backend keeps none
                context.body().put("store", false);
                context.responsesPassedThrough(true);
                return chain.filter(exchange.mutate().response(new PassedThroughAnswer(answer)).build());
            }
            ResponsesTranslation translation = ResponsesTranslation.of(context.body(), context.receivedAt());
            context.body(translation.chatRequest());
            return chain.filter(exchange.mutate().response(new TranslatedAnswer(answer, translation)).build());
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
    private static final class KeptAnswer extends RewrittenAnswer {

        private final ResponseKeeping keeping;

        KeptAnswer(ServerHttpResponse delegate, ResponseKeeping keeping) {
            super(delegate);
            this.keeping = keeping;
        }

        @Override
        protected byte[] rewritePlain(byte[] answer) {
            throw new UnsupportedOperationException("a kept answer waits for its store: rewritePlainLater");
        }

        @Override
        protected Mono<byte[]> rewritePlainLater(byte[] answer) {
            return keeping.plain(answer);
        }

        @Override
        protected Flux<byte[]> rewriteEvents(Flux<byte[]> events) {
            return keeping.events(events);
        }
    }

    private static final class PassedThroughAnswer extends RewrittenAnswer {

        PassedThroughAnswer(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        protected byte[] rewritePlain(byte[] answer) {
            return answer;
        }

        @Override
        protected Flux<byte[]> rewriteEvents(Flux<byte[]> events) {
            return PassedThroughEvents.of(events);
        }
    }

    private static final class TranslatedAnswer extends RewrittenAnswer {

        private final ResponsesTranslation translation;

        TranslatedAnswer(ServerHttpResponse delegate, ResponsesTranslation translation) {
            super(delegate);
            this.translation = translation;
        }

        @Override
        protected byte[] rewritePlain(byte[] answer) {
            JsonNode completion;
            try {
                completion = JSON.readTree(answer);
            } catch (IOException notJson) {
                return answer;
            }
            if (!(completion instanceof ObjectNode) || !completion.path("choices").isArray()) {
                return answer;
            }
            return translation.response(completion).toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected Flux<byte[]> rewriteEvents(Flux<byte[]> events) {
            return translation.events(events);
        }
    }

    @Override
    public String toString() {
        return "ResponsesTranslation[as it is to backends serving the Responses API, else to chat completions and back]";
    }
}
