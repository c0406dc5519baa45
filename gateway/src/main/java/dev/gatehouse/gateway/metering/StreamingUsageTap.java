package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.gateway.sse.ServerSentEvents;
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

    public Flux<AnswerEvent> apply(Flux<AnswerEvent> events) {
        return events.filter(event -> !inspectAndHide(event));
    }

    public Optional<TokenUsage> reportedUsage() {
        return Optional.ofNullable(reportedUsage);
    }

    /** The streamed answer assembled from its content deltas (bounded), for content logging and counting its tokens. */
    public String completionText() {
        return completion.toString();
    }

    private boolean inspectAndHide(AnswerEvent event) {
        JsonNode chunk = event.data();
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
