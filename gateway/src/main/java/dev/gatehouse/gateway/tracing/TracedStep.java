package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.GatewayStep;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pipeline step with a span of its own, a child of the call's server span: from when the step is
 * handed the call until it hands it on to the next step, answers or fails. What a step does on the
 * way back (metering an answer, writing the audit record) falls in the server span, not in its own,
 * so the step spans of a call lie side by side instead of nesting fifteen deep. A span, not a
 * Micrometer observation: an observation would also keep a timer per step, which costs more than
 * the span (decision 0710).
 */
public final class TracedStep implements GlobalFilter, Ordered {

    private final GlobalFilter step;
    private final GatewayStep position;
    private final String name;
    private final ObjectProvider<Tracer> tracers;
    private volatile Tracer tracer;

    TracedStep(GlobalFilter step, GatewayStep position, ObjectProvider<Tracer> tracers) {
        this.step = step;
        this.position = position;
        this.name = position.name().toLowerCase(Locale.ROOT);
        this.tracers = tracers;
    }

    @Override
    public int getOrder() {
        return position.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return Mono.deferContextual(reactorContext -> {
            Span call = CallTracing.serverSpanIn(reactorContext);
            Tracer tracing = tracer();
            if (call == null || tracing == null) {
                return step.filter(exchange, chain);
            }
            Span span = tracing.nextSpan(call).name(name).start();
            AtomicBoolean open = new AtomicBoolean(true);
            Runnable end = () -> {
                if (open.compareAndSet(true, false)) {
                    span.end();
                }
            };
            GatewayFilterChain handOn = next -> {
                end.run();
                return chain.filter(next);
            };
            return Mono.defer(() -> step.filter(exchange, handOn))
                    .doOnError(failure -> {
                        if (open.get()) {
                            span.error(failure);
                        }
                        end.run();
                    })
                    .doFinally(signal -> end.run());
        });
    }

    private Tracer tracer() {
        Tracer resolved = tracer;
        if (resolved == null) {
            resolved = tracers.getIfAvailable();
            tracer = resolved;
        }
        return resolved;
    }

    @Override
    public String toString() {
        return step.toString();
    }
}
