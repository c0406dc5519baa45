package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Watches a server-sent-events stream of chat completion chunks as it passes, event by event: it
 * reads the usage chunk for metering and, when the gateway asked for usage on the caller's behalf,
 * keeps that chunk from the caller; it also assembles the answer (bounded), for content logging and
 * for counting its tokens when the backend reports no usage. Only an event that may carry a usage
 * object is parsed as it passes; the others are read for their text as they pass only when the
 * text is sure to be wanted (the content is logged), else their bytes are kept (bounded) and read
 * only if the stream ends without usage. Thread-safe: a caller who goes away cancels the stream on
 * the caller's connection's thread while the backend's events still pass on the backend's, and
 * metering then reads what has passed; the lock is this call's own, never contended otherwise.
 */
public final class StreamingUsageTap {

    private static final int MAX_COMPLETION_CHARS = 4 * 1024 * 1024;
    private static final int MAX_UNREAD_BYTES = 256 * 1024;

    private final boolean hideUsageChunk;
    private boolean readsText;
    private final StringBuilder completion = new StringBuilder();
    /** The bytes of events not read yet (never their parsed JSON, which later steps may have made: not kept past their step). */
    private final List<byte[]> unread = new ArrayList<>();
    private int unreadBytes;
    private TokenUsage reportedUsage;

    /** @param readsText whether the answer's text is wanted whatever the backend reports (content logging) */
    public StreamingUsageTap(boolean hideUsageChunk, boolean readsText) {
        this.hideUsageChunk = hideUsageChunk;
        this.readsText = readsText;
    }

    public Flux<AnswerEvent> apply(Flux<AnswerEvent> events) {
        return events.filter(event -> !inspectAndHide(event));
    }

    public synchronized Optional<TokenUsage> reportedUsage() {
        return Optional.ofNullable(reportedUsage);
    }

    /** The streamed answer assembled from its content deltas (bounded), for content logging and counting its tokens. */
    public synchronized String completionText() {
        readUnread();
        return completion.toString();
    }

    private synchronized boolean inspectAndHide(AnswerEvent event) {
        boolean hidden = false;
        if (event.mayCarryObject("usage")) {
            JsonNode chunk = event.data();
            Optional<TokenUsage> usage = chunk == null ? Optional.empty() : TokenUsage.fromResponse(chunk);
            usage.ifPresent(found -> reportedUsage = found);
            JsonNode choices = chunk == null ? null : chunk.path("choices");
            hidden = hideUsageChunk && usage.isPresent() && choices.isArray() && choices.isEmpty();
        }
        if (readsText) {
            readText(event);
        } else {
            unread.add(event.bytes());
            unreadBytes += event.bytes().length;
            if (unreadBytes > MAX_UNREAD_BYTES) {
                readUnread();
                readsText = true;
            }
        }
        return hidden;
    }

    private void readUnread() {
        unread.forEach(bytes -> readText(AnswerEvent.framed(bytes)));
        unread.clear();
        unreadBytes = 0;
    }

    private void readText(AnswerEvent event) {
        String content = ServerSentEvents.deltaContent(event.data());
        if (!content.isEmpty() && completion.length() + content.length() <= MAX_COMPLETION_CHARS) {
            completion.append(content);
        }
    }
}
