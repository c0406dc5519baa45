package dev.gatehouse.gateway.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The steps see the answer in order, a stream's events each parsed once for all of them, a plain answer held only for a step that needs it. */
class SteppedAnswerTest {

    private static final String FIRST = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";
    private static final String SECOND = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    @Test
    void everyStepReadsTheSameParsedEventAndAnEventOnlyReadGoesOnAsTheBytesThatCame() {
        Map<JsonNode, Integer> readings = new IdentityHashMap<>();
        AnswerStep reading = step(event -> {
            if (event.data() != null) {
                readings.merge(event.data(), 1, Integer::sum);
            }
            return event;
        });
        List<String> written = new ArrayList<>();
        SteppedAnswer answer = new SteppedAnswer(stream(written), List.of(reading, reading, reading));

        answer.writeAndFlushWith(Flux.just(Flux.just(buffer(FIRST + SECOND.substring(0, 9))), Flux.just(buffer(SECOND.substring(9) + DONE))))
                .block(Duration.ofSeconds(5));

        assertThat(written).containsExactly(FIRST, SECOND, DONE);
        assertThat(readings).as("each event's JSON parsed once, seen by the three steps").hasSize(2);
        assertThat(readings.values()).containsOnly(3);
    }

    @Test
    void theStepsSeeTheEventsInOrderEachAsTheStepBeforeItLeftThem() {
        AnswerStep shouting = step(event -> event.data() instanceof ObjectNode chunk
                ? AnswerEvent.of(chunk.deepCopy().put("shouted", true)) : event);
        List<Boolean> seenShouted = new ArrayList<>();
        AnswerStep looking = step(event -> {
            if (event.data() != null) {
                seenShouted.add(event.data().path("shouted").asBoolean());
            }
            return event;
        });
        List<String> written = new ArrayList<>();

        new SteppedAnswer(stream(written), List.of(shouting, looking)).writeAndFlushWith(Flux.just(Flux.just(buffer(FIRST + DONE))))
                .block(Duration.ofSeconds(5));

        assertThat(seenShouted).containsExactly(true);
        assertThat(String.join("", written)).isEqualTo("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}],\"shouted\":true}\n\n" + DONE);
    }

    @Test
    void aPlainAnswerNoStepHoldsPassesInThePiecesItCameIn() {
        List<String> written = new ArrayList<>();
        ServerHttpResponse response = plain(written, HttpStatus.OK);

        new SteppedAnswer(response, List.of(new AnswerStep() { })).writeWith(Flux.just(buffer("{\"choices\":"), buffer("[]}")))
                .block(Duration.ofSeconds(5));

        assertThat(written).containsExactly("{\"choices\":", "[]}");
    }

    @Test
    void aPlainAnswerIsHeldOnceParsedOnceAndWrittenOnceAfterTheLastStepThatHoldsIt() {
        List<JsonNode> parsedTrees = new ArrayList<>();
        AnswerStep marking = holding(answer -> {
            parsedTrees.add(answer.json());
            ((ObjectNode) answer.json()).put("marked", true);
            answer.changed();
            return Mono.just(answer);
        });
        AnswerStep reading = holding(answer -> {
            parsedTrees.add(answer.json());
            return Mono.delay(Duration.ofMillis(5)).thenReturn(answer);
        });
        List<String> written = new ArrayList<>();
        ServerHttpResponse response = plain(written, HttpStatus.OK);

        new SteppedAnswer(response, List.of(marking, reading)).writeWith(Flux.just(buffer("{\"choices\":"), buffer("[]}")))
                .block(Duration.ofSeconds(5));

        assertThat(written).containsExactly("{\"choices\":[],\"marked\":true}");
        assertThat(parsedTrees).hasSize(2);
        assertThat(parsedTrees.get(0)).isSameAs(parsedTrees.get(1));
        assertThat(response.getHeaders().getContentLength()).isEqualTo(written.get(0).length());
    }

    @Test
    void anErrorAnswerIsNotHeld() {
        List<String> written = new ArrayList<>();
        AnswerStep refusingToRun = holding(answer -> Mono.error(new AssertionError("an error answer reached a holding step")));

        new SteppedAnswer(plain(written, HttpStatus.BAD_GATEWAY), List.of(refusingToRun))
                .writeWith(Flux.just(buffer("{\"error\":"), buffer("{}}"))).block(Duration.ofSeconds(5));

        assertThat(written).containsExactly("{\"error\":", "{}}");
    }

    private static AnswerStep step(java.util.function.UnaryOperator<AnswerEvent> each) {
        return new AnswerStep() {
            @Override
            public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
                return events.map(each);
            }
        };
    }

    private static AnswerStep holding(java.util.function.Function<PlainAnswer, Mono<PlainAnswer>> hook) {
        return new AnswerStep() {
            @Override
            public boolean holdsPlainAnswer() {
                return true;
            }

            @Override
            public Mono<PlainAnswer> plain(PlainAnswer answer) {
                return hook.apply(answer);
            }
        };
    }

    private static ServerHttpResponse stream(List<String> written) {
        ServerHttpResponse response = recording(written);
        response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
        return response;
    }

    private static ServerHttpResponse plain(List<String> written, HttpStatus status) {
        ServerHttpResponse response = recording(written);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.setStatusCode(status);
        return response;
    }

    /** A response that notes each piece as the server would send it. */
    private static ServerHttpResponse recording(List<String> written) {
        return new ServerHttpResponseDecorator(new MockServerHttpResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                return Flux.from(body).doOnNext(buffer -> written.add(buffer.toString(StandardCharsets.UTF_8))).then();
            }

            @Override
            public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
                return writeWith(Flux.from(body).concatMap(Flux::from));
            }
        };
    }

    private static DataBuffer buffer(String text) {
        return org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
