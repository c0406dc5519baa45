package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** The response as it passed, or empty when it exceeded the copy bound. */
    public byte[] captured() {
        return overflowed ? new byte[0] : copy.toByteArray();
    }

    public Optional<TokenUsage> reportedUsage() {
        if (overflowed || copy.size() == 0) {
            return Optional.empty();
        }
        try {
            JsonNode response = JSON.readTree(copy.toByteArray());
            return response == null ? Optional.empty() : TokenUsage.fromResponse(response);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
