package dev.gatehouse.gateway.audit;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Holds back the last piece of a response body until a step (the audit record) is done: a caller
 * never has the whole answer, nor the end of a stream, before the call's record is durable. Every
 * piece but the last passes at once, so streams still stream; only the end waits.
 */
public final class ResponseEndGate extends ServerHttpResponseDecorator {

    private final Supplier<Mono<Void>> beforeEnd;

    public ResponseEndGate(ServerHttpResponse response, Supplier<Mono<Void>> beforeEnd) {
        super(response);
        this.beforeEnd = beforeEnd;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        return super.writeWith(holdingLast(Flux.from(body), DataBufferUtils::release));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return super.writeAndFlushWith(holdingLast(Flux.from(body), chunk -> Flux.from(chunk).subscribe(DataBufferUtils::release)));
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
