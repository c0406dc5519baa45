package dev.gatehouse.gateway.sse;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A response decorator for steps that change a model's answer on its way to the caller: a plain
 * successful answer is held whole (bounded) and rewritten once; a streamed one is rewritten event
 * by event as it passes. Error responses and other bodies pass untouched.
 */
public abstract class RewrittenAnswer extends ServerHttpResponseDecorator {

    private static final int MAX_HELD_ANSWER_BYTES = 16 * 1024 * 1024;

    protected RewrittenAnswer(ServerHttpResponse delegate) {
        super(delegate);
    }

    /** The whole plain answer, as the caller should receive it. */
    protected abstract byte[] rewritePlain(byte[] answer);

    /** The plain answer rewritten, for a rewrite that must wait for something before the answer goes on; by default {@link #rewritePlain}. */
    protected Mono<byte[]> rewritePlainLater(byte[] answer) {
        return Mono.fromSupplier(() -> rewritePlain(answer));
    }

    /** The events of a streamed answer, as the caller should receive them. */
    protected abstract Flux<byte[]> rewriteEvents(Flux<byte[]> events);

    @Override
    public final Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (isEventStream() || (getStatusCode() != null && !getStatusCode().is2xxSuccessful())) {
            return super.writeWith(body);
        }
        return DataBufferUtils.join(Flux.from(body), MAX_HELD_ANSWER_BYTES).flatMap(joined -> {
            byte[] bytes = new byte[joined.readableByteCount()];
            joined.read(bytes);
            DataBufferUtils.release(joined);
            return rewritePlainLater(bytes);
        }).flatMap(answer -> {
            getHeaders().setContentLength(answer.length);
            return super.writeWith(Mono.just(bufferFactory().wrap(answer)));
        });
    }

    @Override
    public final Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        Flux<DataBuffer> flat = Flux.from(body).concatMap(Flux::from);
        if (!isEventStream()) {
            return super.writeAndFlushWith(flat.map(Flux::just));
        }
        return super.writeAndFlushWith(rewriteEvents(ServerSentEvents.events(flat)).map(event -> Flux.just(bufferFactory().wrap(event))));
    }

    private boolean isEventStream() {
        MediaType type = getHeaders().getContentType();
        return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
    }
}
