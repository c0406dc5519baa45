package dev.gatehouse.gateway.answer;

import dev.gatehouse.gateway.sse.AnswerEvent;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What one pipeline step does to the model's answer on its way to the caller. A step adds its
 * answer step to the call ({@code CallContext.addAnswerStep}); {@code AnswerStepsFilter} then reads
 * the answer once and hands it through every step's, in the order the answer passes them (the step
 * added last sees it first, as a response decorator installed last would): a stream as events
 * framed and parsed once, a plain answer as the pieces that pass and, for the steps that must,
 * held whole and parsed once.
 */
public interface AnswerStep {

    /** The events of a streamed answer as this step hands them on; by default as they come. */
    default Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
        return events;
    }

    /** The pieces of a plain answer as they pass, before any step holds it whole; by default untouched. */
    default Flux<DataBuffer> passing(Flux<DataBuffer> pieces) {
        return pieces;
    }

    /** Whether this step needs a successful plain answer whole before it goes on, to rewrite it or to wait for something. */
    default boolean holdsPlainAnswer() {
        return false;
    }

    /** The whole plain answer as this step hands it on, once what it waits for is done; asked only of steps that hold plain answers. */
    default Mono<PlainAnswer> plain(PlainAnswer answer) {
        return Mono.just(answer);
    }
}
