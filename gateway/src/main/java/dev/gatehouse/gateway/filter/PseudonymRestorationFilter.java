package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import dev.gatehouse.scanner.Pseudonymizer;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
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
    private static final int MAX_HELD_RESPONSE_BYTES = 16 * 1024 * 1024;

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

    private static final class RestoredResponse extends ServerHttpResponseDecorator {

        private final Pseudonymizer pseudonyms;

        RestoredResponse(ServerHttpResponse delegate, Pseudonymizer pseudonyms) {
            super(delegate);
            this.pseudonyms = pseudonyms;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            if (isEventStream()) {
                return super.writeWith(body);
            }
            return DataBufferUtils.join(Flux.from(body), MAX_HELD_RESPONSE_BYTES).flatMap(joined -> {
                byte[] bytes = new byte[joined.readableByteCount()];
                joined.read(bytes);
                DataBufferUtils.release(joined);
                byte[] restored = restorePlainAnswer(bytes);
                getHeaders().setContentLength(restored.length);
                return super.writeWith(Mono.just(bufferFactory().wrap(restored)));
            });
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            Flux<DataBuffer> flat = Flux.from(body).concatMap(Flux::from);
            if (!isEventStream()) {
                return super.writeAndFlushWith(flat.map(Flux::just));
            }
            Pseudonymizer.StreamRestorer restorer = pseudonyms.streamRestorer();
            Flux<byte[]> restored = ServerSentEvents.events(flat).map(event -> restoreChunk(event, restorer));
            return super.writeAndFlushWith(restored.map(event -> Flux.just(bufferFactory().wrap(event))));
        }

        private byte[] restorePlainAnswer(byte[] bytes) {
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
            ObjectNode delta = choice.path("delta").isObject() ? (ObjectNode) choice.get("delta") : ((ObjectNode) choice).putObject("delta");
            if (!restored.isEmpty() || delta.has("content")) {
                delta.put("content", restored);
            }
            return ("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8);
        }

        private boolean isEventStream() {
            MediaType type = getHeaders().getContentType();
            return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
        }
    }

    @Override
    public String toString() {
        return "PseudonymRestoration";
    }
}
