package dev.gatehouse.gateway.audit;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.reactivestreams.Publisher;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain answer waits whole for the step before it; a stream's pieces pass at once, and only its end waits. */
class ResponseEndGateTest {

    @Test
    void noPieceOfAPlainAnswerPassesBeforeTheStepIsDone() {
        Sinks.Empty<Void> recorded = Sinks.empty();
        List<String> written = new ArrayList<>();
        ServerHttpResponse response = recording(written);
        ResponseEndGate gate = new ResponseEndGate(response, recorded::asMono);

        Mono<Void> writing = gate.writeWith(Flux.just(buffer("{\"choices\":"), buffer("[{\"index\":0}"), buffer("]}")));
        writing.subscribe();

        assertThat(written).isEmpty();
        recorded.tryEmitEmpty();
        assertThat(written).containsExactly("{\"choices\":[{\"index\":0}]}");
    }

    @Test
    void eachPieceOfAnEventStreamPassesAtOnceWithoutWaitingForTheNextAndOnlyDoneWaitsForTheStep() {
        Sinks.Empty<Void> recorded = Sinks.empty();
        Sinks.Many<DataBuffer> backend = Sinks.many().unicast().onBackpressureBuffer();
        List<String> written = new ArrayList<>();
        ServerHttpResponse response = recording(written);
        response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
        ResponseEndGate gate = new ResponseEndGate(response, recorded::asMono);

        gate.writeWith(backend.asFlux()).subscribe();
        backend.tryEmitNext(buffer("data: the first words\n\n"));

        assertThat(written).as("while the backend holds the rest").containsExactly("data: the first words\n\n");
        backend.tryEmitNext(buffer("data: more\n\ndata: [DONE]\n\n"));
        backend.tryEmitComplete();
        assertThat(written).hasSize(1);
        recorded.tryEmitEmpty();
        assertThat(written).containsExactly("data: the first words\n\n", "data: more\n\ndata: [DONE]\n\n");
    }

    @Test
    void aFailedStepWithholdsTheWholeAnswer() {
        List<String> written = new ArrayList<>();
        ServerHttpResponse response = recording(written);
        ResponseEndGate gate = new ResponseEndGate(response, () -> Mono.error(new IllegalStateException("journal cannot be written")));

        Throwable failure = gate.writeWith(Flux.just(buffer("{\"partial\":"), buffer("true}"))).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(Duration.ofSeconds(5));

        assertThat(failure).hasMessage("journal cannot be written");
        assertThat(written).as("a problem can still be answered in its place").isEmpty();
    }

    /** A response that notes each piece as the server would send it. */
    private static ServerHttpResponse recording(List<String> written) {
        return new ServerHttpResponseDecorator(new MockServerHttpResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                return Flux.from(body).doOnNext(buffer -> written.add(buffer.toString(StandardCharsets.UTF_8))).then();
            }
        };
    }

    private static DataBuffer buffer(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
