package dev.gatehouse.problem;

import dev.gatehouse.testing.ChunkedBytes;
import dev.gatehouse.testing.Property;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A body reads the same however the network cuts it into buffers, and never past its limit. */
class BoundedBodyProperties {

    private static final int LIMIT = 4096;

    @Test
    void readsTheBytesSentUpToTheLimitWhateverTheBufferBoundaries() {
        Property.forAll(random -> ChunkedBytes.cut(bytes(random, random.nextInt(4) == 0 ? LIMIT : random.nextInt(LIMIT)), random)).check(body ->
                assertThat(BoundedBody.read(buffers(body), LIMIT).block(Duration.ofSeconds(5))).containsExactly(body.bytes()));
    }

    @Test
    void refusesABodyPastTheLimitAsPayloadTooLargeWhateverTheBufferBoundaries() {
        Property.forAll(random -> ChunkedBytes.cut(bytes(random, LIMIT + 1 + (random.nextBoolean() ? 0 : random.nextInt(2 * LIMIT))), random)).check(body ->
                assertThatThrownBy(() -> BoundedBody.read(buffers(body), LIMIT).block(Duration.ofSeconds(5)))
                        .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE)));
    }

    @Test
    void readsNoBufferAsAnEmptyBody() {
        assertThat(BoundedBody.read(Flux.<DataBuffer>empty(), LIMIT).block(Duration.ofSeconds(5))).isEmpty();
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static Flux<DataBuffer> buffers(ChunkedBytes body) {
        return Flux.fromIterable(body.pieces()).map(DefaultDataBufferFactory.sharedInstance::wrap);
    }
}
