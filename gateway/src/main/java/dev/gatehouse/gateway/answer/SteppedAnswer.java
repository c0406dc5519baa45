package dev.gatehouse.gateway.answer;

import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * The one response decorator of the answer steps: a stream is framed into events once, each event
 * parsed at most once, and handed through every step's {@link AnswerStep#events}; a plain answer's
 * pieces pass every step's {@link AnswerStep#passing}, and, when a step holds plain answers, the
 * successful answer is held whole (bounded) once, parsed at most once and written once after the
 * last of them. Error answers are not held; a plain body written as a stream of pieces (a
 * streaming media type other than server-sent events) is only watched, never held.
 */
public final class SteppedAnswer extends ServerHttpResponseDecorator {

    private static final int MAX_HELD_ANSWER_BYTES = 16 * 1024 * 1024;

    private final List<AnswerStep> steps;

    /** @param steps in the order the answer passes them */
    public SteppedAnswer(ServerHttpResponse delegate, List<AnswerStep> steps) {
        super(delegate);
        this.steps = List.copyOf(steps);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        Flux<DataBuffer> pieces = Flux.from(body);
        return isEventStream() ? super.writeWith(events(pieces)) : super.writeWith(plain(pieces));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        Flux<DataBuffer> pieces = Flux.from(body).concatMap(Flux::from);
        if (!isEventStream()) {
            return super.writeAndFlushWith(passing(pieces).map(Flux::just));
        }
        // written as one flux: Reactor Netty flushes whenever no further event is ready, so no token
        // waits for the next, and events that came in one read leave in one write instead of one flush each
        return super.writeWith(events(pieces));
    }

    private Flux<DataBuffer> events(Flux<DataBuffer> pieces) {
        // the steps may drop, change and add events: the backend's length no longer holds
        getHeaders().remove("Content-Length");
        Flux<AnswerEvent> events = ServerSentEvents.events(pieces).map(AnswerEvent::framed);
        for (AnswerStep step : steps) {
            events = step.events(events);
        }
        return events.map(event -> bufferFactory().wrap(event.bytes()));
    }

    private Flux<DataBuffer> passing(Flux<DataBuffer> pieces) {
        Flux<DataBuffer> passed = pieces;
        for (AnswerStep step : steps) {
            passed = step.passing(passed);
        }
        return passed;
    }

    private Flux<DataBuffer> plain(Flux<DataBuffer> pieces) {
        List<AnswerStep> holding = steps.stream().filter(AnswerStep::holdsPlainAnswer).toList();
        HttpStatusCode status = getStatusCode();
        if (holding.isEmpty() || (status != null && !status.is2xxSuccessful())) {
            return passing(pieces);
        }
        return DataBufferUtils.join(passing(pieces), MAX_HELD_ANSWER_BYTES).flatMap(joined -> {
            byte[] bytes = new byte[joined.readableByteCount()];
            joined.read(bytes);
            DataBufferUtils.release(joined);
            Mono<PlainAnswer> answer = Mono.just(new PlainAnswer(bytes));
            for (AnswerStep step : holding) {
                answer = answer.flatMap(step::plain);
            }
            return answer;
        }).map(answer -> {
            byte[] bytes = answer.bytes();
            getHeaders().setContentLength(bytes.length);
            return bufferFactory().wrap(bytes);
        }).flux();
    }

    private boolean isEventStream() {
        MediaType type = getHeaders().getContentType();
        return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
    }
}
