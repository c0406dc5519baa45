package dev.gatehouse.gateway.audit;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Holds back the end of a response until a step (the audit record) is done: a caller never has
 * the whole answer, nor the end of a stream, before the call's record is durable. A plain answer's
 * last piece waits; every piece of an event stream passes at once, so that tokens are never held
 * behind the next one, but for the piece that carries the stream's {@code [DONE]}, which waits, as
 * does the stream's end.
 */
public final class ResponseEndGate extends ServerHttpResponseDecorator {

    private static final String DONE_EVENT = "data: [DONE]";

    private final Supplier<Mono<Void>> beforeEnd;

    public ResponseEndGate(ServerHttpResponse response, Supplier<Mono<Void>> beforeEnd) {
        super(response);
        this.beforeEnd = beforeEnd;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        Flux<DataBuffer> pieces = Flux.from(body);
        return super.writeWith(isEventStream() ? gatingDone(pieces).concatWith(end()) : holdingLast(pieces, DataBufferUtils::release));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        Flux<Publisher<? extends DataBuffer>> chunks = Flux.from(body);
        if (isEventStream()) {
            return super.writeAndFlushWith(chunks.<Publisher<? extends DataBuffer>>map(chunk -> gatingDone(Flux.from(chunk))).concatWith(end()));
        }
        return super.writeAndFlushWith(holdingLast(chunks, chunk -> Flux.from(chunk).subscribe(DataBufferUtils::release)));
    }

    private boolean isEventStream() {
        MediaType type = getHeaders().getContentType();
        return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
    }

    private Flux<DataBuffer> gatingDone(Flux<? extends DataBuffer> pieces) {
        return pieces.concatMap(piece -> carriesDone(piece) ? beforeEnd.get().thenReturn((DataBuffer) piece) : Mono.just((DataBuffer) piece));
    }

    /** Nothing more to write, once the step is done. */
    private <T> Mono<T> end() {
        return Mono.defer(beforeEnd).then(Mono.empty());
    }

    private static boolean carriesDone(DataBuffer piece) {
        return piece.toString(piece.readPosition(), piece.readableByteCount(), StandardCharsets.UTF_8).contains(DONE_EVENT);
    }

    private <T> Flux<T> holdingLast(Flux<T> source, java.util.function.Consumer<T> discard) {
        AtomicReference<T> held = new AtomicReference<>();
        Flux<T> allButLast = source.concatMap(next -> {
            T previous = held.getAndSet(next);
            return previous == null ? Flux.empty() : Flux.just(previous);
        });
        Mono<T> last = Mono.defer(() -> beforeEnd.get().then(Mono.justOrEmpty(held.getAndSet(null))));
        return allButLast.concatWith(last).doFinally(signal -> {
                    T unsent = held.getAndSet(null);
                    if (unsent != null) {
                        discard.accept(unsent);
                    }
                });
    }
}
