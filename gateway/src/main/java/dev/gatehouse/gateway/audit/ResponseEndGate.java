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
import java.util.function.Supplier;

/**
 * Holds back the end of a response until a step (the audit record) is done: a caller never has
 * any of a plain answer, nor the end of a stream, before the call's record is durable. A plain
 * answer is held whole, so that a step refusing it (the content log a tenant requires could not be
 * written) can still answer with a problem instead, and no part of the withheld answer, nor its
 * headers, has been sent. Every piece of an event stream passes at once, so that tokens are never
 * held behind the next one, but for the piece that carries the stream's {@code [DONE]}, which
 * waits, as does the stream's end.
 */
public final class ResponseEndGate extends ServerHttpResponseDecorator {

    private static final byte[] DONE_EVENT = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

    private final Supplier<Mono<Void>> beforeEnd;

    public ResponseEndGate(ServerHttpResponse response, Supplier<Mono<Void>> beforeEnd) {
        super(response);
        this.beforeEnd = beforeEnd;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        Flux<DataBuffer> pieces = Flux.from(body);
        return isEventStream() ? super.writeWith(gatingDone(pieces).concatWith(end())) : super.writeWith(holdingAll(pieces));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        Flux<Publisher<? extends DataBuffer>> chunks = Flux.from(body);
        if (isEventStream()) {
            return super.writeAndFlushWith(chunks.<Publisher<? extends DataBuffer>>map(chunk -> gatingDone(Flux.from(chunk))).concatWith(end()));
        }
        return super.writeAndFlushWith(holdingAll(chunks.concatMap(Flux::from)).map(Mono::just));
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

    /** Looks for the {@code [DONE]} event in the piece's bytes as they lie, without decoding or copying them. */
    private static boolean carriesDone(DataBuffer piece) {
        int start = piece.readPosition();
        int last = start + piece.readableByteCount() - DONE_EVENT.length;
        for (int at = start; at <= last; at++) {
            if (startsWith(piece, at)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(DataBuffer piece, int at) {
        for (int i = 0; i < DONE_EVENT.length; i++) {
            if (piece.getByte(at + i) != DONE_EVENT[i]) {
                return false;
            }
        }
        return true;
    }

    /** The whole answer, once the step is done; released if the step fails or the caller leaves first. */
    private Mono<DataBuffer> holdingAll(Flux<? extends DataBuffer> pieces) {
        return DataBufferUtils.join(pieces).flatMap(answer -> Mono.defer(beforeEnd)
                .doOnError(failure -> DataBufferUtils.release(answer))
                .doOnCancel(() -> DataBufferUtils.release(answer))
                .thenReturn(answer));
    }
}
