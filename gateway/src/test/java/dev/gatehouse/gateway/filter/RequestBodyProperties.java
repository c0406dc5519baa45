package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.testing.ChunkedBytes;
import dev.gatehouse.testing.HostileText;
import dev.gatehouse.testing.InvalidUtf8;
import dev.gatehouse.testing.Property;
import dev.gatehouse.testing.RandomJson;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway reads a call's body as exactly one JSON object within the size limit, whatever the
 * network's buffer boundaries, and refuses anything else as a 400 {@code malformed_json} or a 413
 * {@code payload_too_large}, never with another failure.
 */
class RequestBodyProperties {

    private static final int LIMIT = 64 * 1024;
    private static final String[] TRAILERS = {"x", "}", "]", ",", "{}", "[]", "0", "\"more\"", "null", "{\"model\":\"other\"}", "\u0000", "//"};

    private final RequestIdentityFilter filter = new RequestIdentityFilter(LIMIT, Clock.systemUTC());

    @Test
    void readsAnyObjectWithinTheLimitAsSentAndRefusesALargerOneAsPayloadTooLargeAndLoneSurrogateNamesAsMalformed() {
        Property.forAll(random -> {
            ObjectNode object = RandomJson.object(random, 4);
            return new Sent(object, ChunkedBytes.cut(utf8(RandomJson.write(object, random)), random));
        }).shownAs(sent -> HostileText.escaped(new String(sent.body().bytes(), StandardCharsets.UTF_8)) + " cut as " + sent.body()).check(sent -> {
            Outcome outcome = read(sent.body());
            if (sent.body().bytes().length > LIMIT) {
                assertThat(outcome.problem()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
            } else if (RandomJson.hasBrokenName(sent.object())) {
                assertThat(outcome.problem()).isEqualTo(ProblemType.MALFORMED_JSON);
            } else {
                assertThat(outcome.body()).isEqualTo(sent.object());
            }
        });
    }

    @Test
    void refusesEveryTruncationOfAnObjectAsMalformed() {
        Property.forAll(random -> {
            String text = RandomJson.write(RandomJson.object(random, 3), random).strip();
            return text.substring(0, random.nextInt(text.length()));
        }).check(prefix -> assertThat(read(utf8(prefix)).problem()).isEqualTo(ProblemType.MALFORMED_JSON));
    }

    @Test
    void refusesAnObjectFollowedByMoreContentAsMalformed() {
        Property.forAll(random -> new String[] {RandomJson.write(RandomJson.object(random, 2), random), TRAILERS[random.nextInt(TRAILERS.length)]})
                .shownAs(parts -> HostileText.escaped(parts[0] + parts[1]))
                .check(parts -> assertThat(read(utf8(parts[0] + parts[1])).problem()).isEqualTo(ProblemType.MALFORMED_JSON));
    }

    @Test
    void refusesDuplicateMembersAtAnyDepthAsMalformed() {
        Property.forAll(random -> {
            String key = HostileText.next(random, 2);
            String member = RandomJson.write(RandomJson.value(random, 1), random);
            String duplicated = "{" + RandomJson.quote(key, random) + ":" + member + "," + RandomJson.quote(key, random) + ":" + member + "}";
            int depth = random.nextInt(10);
            return "{\"a\":[".repeat(depth) + duplicated + "]}".repeat(depth);
        }).check(text -> assertThat(read(utf8(text)).problem()).isEqualTo(ProblemType.MALFORMED_JSON));
    }

    @Test
    void readsNestingUpToSixtyFourLevelsAndRefusesDeeperAsMalformed() {
        Property.forAll(random -> nested(1 + random.nextInt(100), random)).check(text -> {
            long levels = text.chars().filter(c -> c == '{' || c == '[').count();
            Outcome outcome = read(utf8(text));
            if (levels <= 64) {
                assertThat(outcome.body()).as("%d levels", levels).isNotNull();
            } else {
                assertThat(outcome.problem()).as("%d levels", levels).isEqualTo(ProblemType.MALFORMED_JSON);
            }
        });
    }

    @Test
    void answersAnyBytesWithAnObjectOrAMalformedJsonProblemOrPayloadTooLargePastTheLimit() {
        Property.forAll(RequestBodyProperties::garbled).tries(400)
                .shownAs(bytes -> HostileText.escaped(new String(bytes, StandardCharsets.ISO_8859_1)))
                .check(bytes -> {
                    Outcome outcome = read(bytes);
                    ProblemType refusal = bytes.length > LIMIT ? ProblemType.PAYLOAD_TOO_LARGE : ProblemType.MALFORMED_JSON;
                    assertThat(outcome.body() != null || outcome.problem() == refusal).as("answered %s", outcome).isTrue();
                });
    }

    /** What the filter made of a body: the object it read, or the type of the problem it answered. */
    private record Outcome(ObjectNode body, ProblemType problem) {
    }

    private record Sent(JsonNode object, ChunkedBytes body) {
    }

    private Outcome read(byte[] bytes) {
        return read(new ChunkedBytes(bytes, new int[0]));
    }

    private Outcome read(ChunkedBytes body) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Flux.fromIterable(body.pieces()).map(DefaultDataBufferFactory.sharedInstance::wrap)));
        try {
            filter.filter(exchange, passed -> Mono.empty()).block(Duration.ofSeconds(5));
        } catch (ApiProblem problem) {
            return new Outcome(null, problem.type());
        }
        return new Outcome(CallContext.of(exchange).body(), null);
    }

    /** An object holding {@code levels} containers, objects and arrays, one inside the other. */
    private static String nested(int levels, Random random) {
        StringBuilder open = new StringBuilder("{\"a\":");
        StringBuilder close = new StringBuilder("}");
        for (int level = 2; level < levels; level++) {
            boolean object = random.nextBoolean();
            open.append(object ? "{\"a\":" : "[");
            close.insert(0, object ? '}' : ']');
        }
        return levels == 1 ? "{}" : open + (random.nextBoolean() ? "{}" : "[]") + close;
    }

    /** Bytes near JSON: a valid body with some bytes replaced, some removed or invalid UTF-8 inserted, or noise. */
    private static byte[] garbled(Random random) {
        byte[] bytes = utf8(RandomJson.write(RandomJson.object(random, 3), random));
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = random.nextInt(4); i >= 0 && bytes.length > 0; i--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                int from = random.nextInt(bytes.length);
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                bytes = (text.substring(0, from) + text.substring(Math.min(text.length(), from + 1 + random.nextInt(8))))
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            case 2 -> bytes = InvalidUtf8.insertInto(bytes, random).bytes();
            default -> {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            }
        }
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
