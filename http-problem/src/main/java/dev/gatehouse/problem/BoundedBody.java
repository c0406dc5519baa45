package dev.gatehouse.problem;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Mono;

/** Reads a request body whole, but never more than a limit: a larger one is a 413 problem, not a memory risk. */
public final class BoundedBody {

    private BoundedBody() {
    }

    /** The body's bytes (empty for no body), or a {@code payload_too_large} problem past {@code maxBytes}. */
    public static Mono<byte[]> read(Publisher<? extends DataBuffer> body, int maxBytes) {
        return DataBufferUtils.join(body, maxBytes)
                .onErrorMap(DataBufferLimitException.class, error -> tooLarge(maxBytes))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0]);
    }

    public static ApiProblem tooLarge(int maxBytes) {
        return new ApiProblem(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds the limit of " + maxBytes + " bytes.");
    }
}
