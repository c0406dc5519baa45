package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.sse.RewrittenAnswer;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import dev.gatehouse.scanner.Pseudonymizer;

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
 * When the prompt's personal data was pseudonymised for the backend (tenant transfer choice
 * {@code pseudonymise}), puts the original values back into the answer for the caller: in every
 * choice of a plain answer, and in a stream chunk by chunk, holding back only a trailing piece that
 * may be the start of a placeholder. The backend never saw the values; the caller never sees the
 * placeholders.
 */
public final class PseudonymRestorationFilter implements GlobalFilter, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public int getOrder() {
        return GatewayStep.PSEUDONYM_RESTORATION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.find(exchange);
        if (context == null || context.pseudonyms() == null) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().response(new RestoredResponse(exchange.getResponse(), context.pseudonyms())).build());
    }

    private static final class RestoredResponse extends RewrittenAnswer {

        private final Pseudonymizer pseudonyms;

        RestoredResponse(ServerHttpResponse delegate, Pseudonymizer pseudonyms) {
            super(delegate);
            this.pseudonyms = pseudonyms;
        }

        @Override
        protected Flux<byte[]> rewriteEvents(Flux<byte[]> events) {
            Pseudonymizer.StreamRestorer restorer = pseudonyms.streamRestorer();
            return events.map(event -> restoreChunk(event, restorer));
        }

        @Override
        protected byte[] rewritePlain(byte[] bytes) {
            JsonNode answer;
            try {
                answer = JSON.readTree(bytes);
            } catch (IOException notJson) {
                return bytes;
            }
            if (answer == null || !answer.path("choices").isArray()) {
                return bytes;
            }
            answer.get("choices").forEach(choice -> {
                if (choice.path("text").isTextual()) {
                    ((ObjectNode) choice).put("text", pseudonyms.restore(choice.get("text").asText()));
                }
                JsonNode message = choice.path("message");
                if (message.path("content").isTextual()) {
                    ((ObjectNode) message).put("content", pseudonyms.restore(message.get("content").asText()));
                }
            });
            return answer.toString().getBytes(StandardCharsets.UTF_8);
        }

        /**
         * Restores the content of one chunk; a held-back tail is released with the chunk that
         * finishes the choice (its finish_reason), so nothing is left behind at the end.
         */
        private static byte[] restoreChunk(byte[] event, Pseudonymizer.StreamRestorer restorer) {
            JsonNode chunk = ServerSentEvents.data(event);
            if (chunk == null || !chunk.path("choices").isArray() || chunk.get("choices").isEmpty()) {
                return event;
            }
            JsonNode choice = chunk.get("choices").get(0);
            boolean finishing = !choice.path("finish_reason").isNull() && !choice.path("finish_reason").isMissingNode();
            String content = ServerSentEvents.deltaContent(chunk);
            if (content.isEmpty() && !finishing) {
                return event;
            }
            String restored = restorer.accept(content) + (finishing ? restorer.finish() : "");
            if (choice.path("text").isTextual()) {
                ((ObjectNode) choice).put("text", restored);
                return ("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8);
            }
            ObjectNode delta = choice.path("delta").isObject() ? (ObjectNode) choice.get("delta") : ((ObjectNode) choice).putObject("delta");
            if (!restored.isEmpty() || delta.has("content")) {
                delta.put("content", restored);
            }
            return ("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8);
        }

    }

    @Override
    public String toString() {
        return "PseudonymRestoration";
    }
}
