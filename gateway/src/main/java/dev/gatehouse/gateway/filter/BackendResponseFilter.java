package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.routing.BackendFailure;
import dev.gatehouse.gateway.routing.BackendLease;
import dev.gatehouse.problem.ProblemType;
import io.netty.handler.timeout.ReadTimeoutException;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.nio.charset.StandardCharsets;

/**
 * Watches the backend's answer on its way to the caller, buffer by buffer as it comes (nothing is
 * held back): when it ends, the backend's concurrency slot is freed and its health learns how the
 * answer went. A stream that breaks off after it began (the backend silent past its response
 * timeout, the connection reset or closed early) ends for the caller with a final SSE error event
 * instead of just stopping, and counts as the backend's failure; a caller who goes away cancels
 * the backend's request with it. Installed after Metering, so Metering and the steps before it
 * see the answer exactly as the caller gets it, the error event included.
 */
public final class BackendResponseFilter implements GlobalFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(BackendResponseFilter.class);

    @Override
    public int getOrder() {
        return GatewayStep.BACKEND_RESPONSE.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        // Spring Cloud Gateway waits for the backend's trailers after writing the answer; after a read
        // timeout they never come, so a stream that broke off ends once its error event is written.
        Sinks.Empty<Void> brokenStreamWritten = Sinks.empty();
        WatchedAnswer answer = new WatchedAnswer(exchange.getResponse(), context, brokenStreamWritten);
        return Mono.firstWithSignal(chain.filter(exchange.mutate().response(answer).build()), brokenStreamWritten.asMono())
                .doFinally(signal -> {
                    BackendLease lease = context.backendLease();
                    // an answer that was never written (a step refused it) tells nothing of the backend
                    if (lease != null) {
                        lease.abandoned();
                    }
                });
    }

    private static final class WatchedAnswer extends ServerHttpResponseDecorator {

        private final CallContext context;
        private final Sinks.Empty<Void> brokenStreamWritten;
        private volatile boolean brokeOff;

        WatchedAnswer(ServerHttpResponse delegate, CallContext context, Sinks.Empty<Void> brokenStreamWritten) {
            super(delegate);
            this.context = context;
            this.brokenStreamWritten = brokenStreamWritten;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return super.writeWith(watch(Flux.from(body), false));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            boolean stream = MediaType.TEXT_EVENT_STREAM.isCompatibleWith(getHeaders().getContentType());
            return super.writeAndFlushWith(watch(Flux.from(body).concatMap(Flux::from), stream).map(Flux::just))
                    .doOnSuccess(written -> {
                        if (brokeOff) {
                            brokenStreamWritten.tryEmitEmpty();
                        }
                    });
        }

        private Flux<DataBuffer> watch(Flux<DataBuffer> body, boolean stream) {
            BackendLease lease = context.backendLease();
            if (lease == null) {
                return body;
            }
            return body
                    .doOnComplete(lease::succeeded)
                    .doOnCancel(lease::abandoned)
                    .onErrorResume(failure -> {
                        boolean timedOut = causedByReadTimeout(failure);
                        lease.failed(timedOut ? BackendFailure.TIMEOUT : BackendFailure.BROKEN_STREAM);
                        LOG.warn("the answer of backend {} to call {} broke off: {}", lease.backend().id(), context.callId(), failure.toString());
                        if (!stream) {
                            return Flux.error(failure);
                        }
                        brokeOff = true;
                        return Flux.just(bufferFactory().wrap(errorEvent(timedOut).getBytes(StandardCharsets.UTF_8)));
                    });
        }

        private static String errorEvent(boolean timedOut) {
            ProblemType type = timedOut ? ProblemType.BACKEND_TIMEOUT : ProblemType.BACKEND_UNAVAILABLE;
            String message = timedOut ? "The model backend stopped sending for longer than its response timeout; the answer is incomplete."
                    : "The model backend's answer broke off; the answer is incomplete.";
            return "data: {\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type.openAiType() + "\",\"param\":null,\"code\":\""
                    + type.code() + "\"}}\n\n";
        }

        private static boolean causedByReadTimeout(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof ReadTimeoutException) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public String toString() {
        return "BackendResponse[frees the backend's slot when the answer ends; a broken stream ends with an error event]";
    }
}
