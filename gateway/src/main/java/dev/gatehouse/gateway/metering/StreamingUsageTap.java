package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

import java.util.Optional;

/**
 * Watches a server-sent-events stream of chat completion chunks as it passes, event by event: it
 * reads the usage chunk for metering and, when the gateway asked for usage on the caller's behalf,
 * keeps that chunk from the caller; it also assembles the answer (bounded) for content logging.
 */
public final class StreamingUsageTap {

    private static final int MAX_COMPLETION_CHARS = 4 * 1024 * 1024;

    private final boolean hideUsageChunk;
    private final StringBuilder completion = new StringBuilder();
    private TokenUsage reportedUsage;

    public StreamingUsageTap(boolean hideUsageChunk) {
        this.hideUsageChunk = hideUsageChunk;
    }

    public Flux<DataBuffer> apply(Flux<DataBuffer> body, DataBufferFactory buffers) {
        return ServerSentEvents.events(body).filter(event -> !inspectAndHide(event)).map(buffers::wrap);
    }

    public Optional<TokenUsage> reportedUsage() {
        return Optional.ofNullable(reportedUsage);
    }

    /** The streamed answer assembled from its content deltas (bounded), for content logging and counting its tokens. */
    public String completionText() {
        return completion.toString();
    }

    private boolean inspectAndHide(byte[] event) {
        JsonNode chunk = ServerSentEvents.data(event);
        if (chunk == null) {
            return false;
        }
        Optional<TokenUsage> usage = TokenUsage.fromResponse(chunk);
        usage.ifPresent(found -> reportedUsage = found);
        String content = ServerSentEvents.deltaContent(chunk);
        if (!content.isEmpty()) {
            if (completion.length() + content.length() <= MAX_COMPLETION_CHARS) {
                completion.append(content);
            }
        }
        JsonNode choices = chunk.path("choices");
        return hideUsageChunk && usage.isPresent() && choices.isArray() && choices.isEmpty();
    }
}
