package dev.gatehouse.gateway.sse;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a server-sent-events byte stream event by event as it passes, holding at most one partial
 * event, whatever the network's buffer boundaries: the framing every streamed-response step of
 * the pipeline (metering, response inspection) shares.
 */
public final class ServerSentEvents {

    private static final int MAX_EVENT_BYTES = 1024 * 1024;

    private ServerSentEvents() {
    }

    /**
     * The stream as complete events, each with its terminating blank line; bytes after the last
     * complete event come last, as they are. A run of more than 1 MiB without an event boundary is
     * not an event stream this understands and is passed on unframed.
     */
    public static Flux<byte[]> events(Flux<DataBuffer> body) {
        return Flux.defer(() -> {
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            return body.concatMapIterable(buffer -> {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        DataBufferUtils.release(buffer);
                        return completeEvents(partial, bytes);
                    })
                    .concatWith(Mono.defer(() -> partial.size() == 0 ? Mono.empty() : Mono.just(partial.toByteArray())));
        });
    }

    /** The JSON of an event's {@code data:} lines, or null for comments, {@code [DONE]} and anything unparsable. */
    public static JsonNode data(byte[] event) {
        return AnswerEvent.framed(event).data();
    }

    /**
     * The text a chat completion chunk (or a text completion's) adds to the first choice, or that a
     * Responses API {@code response.output_text.delta} event adds; else the empty string.
     */
    public static String deltaContent(JsonNode chunk) {
        if (chunk != null && "response.output_text.delta".equals(chunk.path("type").asText())) {
            return chunk.path("delta").asText("");
        }
        JsonNode choices = chunk == null ? null : chunk.path("choices");
        return choices != null && choices.isArray() && !choices.isEmpty() ? choiceText(choices.get(0)) : "";
    }

    /**
     * The answer text of one choice, whichever endpoint's shape it has: a chat message's content,
     * a chat chunk's delta content, or a text completion's {@code text}.
     */
    public static String choiceText(JsonNode choice) {
        if (choice.path("text").isTextual()) {
            return choice.get("text").asText();
        }
        JsonNode message = choice.has("delta") ? choice.path("delta") : choice.path("message");
        return message.path("content").asText("");
    }

    private static List<byte[]> completeEvents(ByteArrayOutputStream partial, byte[] bytes) {
        byte[] pending = bytes;
        if (partial.size() > 0) {
            partial.write(bytes, 0, bytes.length);
            pending = partial.toByteArray();
            partial.reset();
        }
        List<byte[]> events = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = endOfEvent(pending, start)) >= 0) {
            // a buffer that is exactly one event (the usual case: backends flush each event) is that event
            events.add(start == 0 && end == pending.length ? pending : Arrays.copyOfRange(pending, start, end));
            start = end;
        }
        partial.write(pending, start, pending.length - start);
        if (partial.size() > MAX_EVENT_BYTES) {
            events.add(partial.toByteArray());
            partial.reset();
        }
        return events;
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
}
