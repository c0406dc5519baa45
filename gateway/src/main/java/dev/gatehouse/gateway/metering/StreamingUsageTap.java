package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Watches a server-sent-events stream of chat completion chunks as it passes, event by event,
 * without holding more than one partial event: it reads the usage chunk for metering and, when
 * the gateway asked for usage on the caller's behalf, keeps that chunk from the caller.
 */
public final class StreamingUsageTap {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final int MAX_COMPLETION_CHARS = 4 * 1024 * 1024;

    private final boolean hideUsageChunk;
    private final ByteArrayOutputStream partialEvent = new ByteArrayOutputStream();
    private final StringBuilder completion = new StringBuilder();
    private TokenUsage reportedUsage;
    private int contentChunks;

    public StreamingUsageTap(boolean hideUsageChunk) {
        this.hideUsageChunk = hideUsageChunk;
    }

    public Flux<DataBuffer> apply(Flux<DataBuffer> body, DataBufferFactory buffers) {
        return body.concatMap(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    byte[] passOn = accept(bytes);
                    return passOn.length == 0 ? Mono.<DataBuffer>empty() : Mono.just(buffers.wrap(passOn));
                })
                .concatWith(Mono.defer(() -> {
                    byte[] rest = partialEvent.toByteArray();
                    partialEvent.reset();
                    return rest.length == 0 ? Mono.empty() : Mono.just(buffers.wrap(rest));
                }));
    }

    /** Consumes bytes of the stream; returns the complete events to pass on to the caller. */
    byte[] accept(byte[] bytes) {
        partialEvent.write(bytes, 0, bytes.length);
        byte[] pending = partialEvent.toByteArray();
        ByteArrayOutputStream passOn = new ByteArrayOutputStream(pending.length);
        int start = 0;
        int end;
        while ((end = endOfEvent(pending, start)) >= 0) {
            byte[] event = Arrays.copyOfRange(pending, start, end);
            if (!inspectAndHide(event)) {
                passOn.write(event, 0, event.length);
            }
            start = end;
        }
        partialEvent.reset();
        partialEvent.write(pending, start, pending.length - start);
        if (partialEvent.size() > MAX_EVENT_BYTES) {
            // Not an event stream we understand: stop interpreting and pass everything through.
            passOn.write(partialEvent.toByteArray(), 0, partialEvent.size());
            partialEvent.reset();
        }
        return passOn.toByteArray();
    }

    public Optional<TokenUsage> reportedUsage() {
        return Optional.ofNullable(reportedUsage);
    }

    /** The streamed answer assembled from its content deltas (bounded), for content logging. */
    public String completionText() {
        return completion.toString();
    }

    /** Chunks that carried content: the gateway's own completion-token count when the backend reports none. */
    public int contentChunks() {
        return contentChunks;
    }

    /** Index just past the blank line that ends the event starting at {@code from}, or -1. */
    private static int endOfEvent(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\n') {
                if (bytes[i + 1] == '\n') {
                    return i + 2;
                }
                if (bytes[i + 1] == '\r' && i + 2 < bytes.length && bytes[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private boolean inspectAndHide(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8);
        StringBuilder data = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        if (data.isEmpty() || data.toString().equals("[DONE]")) {
            return false;
        }
        JsonNode chunk;
        try {
            chunk = JSON.readTree(data.toString());
        } catch (IOException e) {
            return false;
        }
        Optional<TokenUsage> usage = TokenUsage.fromResponse(chunk);
        usage.ifPresent(found -> reportedUsage = found);
        JsonNode choices = chunk.path("choices");
        String content = choices.isArray() && !choices.isEmpty() ? choices.get(0).path("delta").path("content").asText("") : "";
        if (!content.isEmpty()) {
            contentChunks++;
            if (completion.length() + content.length() <= MAX_COMPLETION_CHARS) {
                completion.append(content);
            }
        }
        return hideUsageChunk && usage.isPresent() && choices.isArray() && choices.isEmpty();
    }
}
