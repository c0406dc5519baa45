package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.responses.ResponsesTranslation;
import dev.gatehouse.gateway.sse.RewrittenAnswer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code POST /v1/responses} on chat completions backends: replaces the call's body by its
 * chat translation before any step reads it, so that limits, prompt inspection (every input item,
 * as the chat message it becomes), policy, metering, routing and audit treat it exactly as a chat
 * call; and translates the answer back as the outermost rewrite, after metering, pseudonym
 * restoration and response inspection have seen it as chat. Untranslatable requests are refused
 * here with a 400 naming the field.
 */
public final class ResponsesTranslationFilter implements GlobalFilter, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        ResponsesTranslation translation = ResponsesTranslation.of(context.body(), context.receivedAt());
        context.body(translation.chatRequest());
        return chain.filter(exchange.mutate().response(new TranslatedAnswer(exchange.getResponse(), translation)).build());
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
        return "ResponsesTranslation[Responses API to chat completions and back]";
    }
}
