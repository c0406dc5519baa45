package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Keeps a copy of a (non-streamed) JSON response as it passes, up to a bound, to read its usage
 * at the end (and to hand the content to content logging, in memory). The response itself flows
 * through untouched.
 */
public final class BufferedUsageTap {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_COPY_BYTES = 32 * 1024 * 1024;

    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private boolean overflowed;
    private byte[] captured;
    private JsonNode parsed;

    public Flux<DataBuffer> apply(Flux<DataBuffer> body) {
        return body.doOnNext(buffer -> {
            int length = buffer.readableByteCount();
            if (overflowed || copy.size() + length > MAX_COPY_BYTES) {
                overflowed = true;
                return;
            }
            byte[] bytes = new byte[length];
            buffer.toByteBuffer(buffer.readPosition(), java.nio.ByteBuffer.wrap(bytes), 0, length);
            copy.write(bytes, 0, length);
        });
    }

    /** The response as it passed, or empty when it exceeded the copy bound; read once the body has ended. */
    public byte[] captured() {
        if (captured == null) {
            captured = overflowed ? new byte[0] : copy.toByteArray();
        }
        return captured;
    }

    /** The text the model answered (every choice's message content, a text completion's text, a Responses API output), for counting its tokens; empty if unreadable. */
    public String answerText() {
        JsonNode response = parsed();
        if (response == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        response.path("choices").forEach(choice -> text.append(ServerSentEvents.choiceText(choice)));
        // a Responses API answer: its output messages' text and its function calls' arguments
        for (JsonNode item : response.path("output")) {
            item.path("content").forEach(part -> text.append(part.path("text").asText("")));
            text.append(item.path("arguments").asText(""));
        }
        return text.toString();
    }

    public Optional<TokenUsage> reportedUsage() {
        JsonNode response = parsed();
        return response == null ? Optional.empty() : TokenUsage.fromResponse(response);
    }

    private JsonNode parsed() {
        if (parsed == null && !overflowed && copy.size() > 0) {
            try {
                parsed = JSON.readTree(captured());
            } catch (IOException e) {
                parsed = JSON.missingNode();
            }
        }
        return parsed == null || !parsed.isObject() ? null : parsed;
    }
}
