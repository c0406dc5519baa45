package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.GatewayStep;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
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
 * so the step spans of a call lie side by side instead of nesting fifteen deep (decision 0710).
 */
public final class TracedStep implements GlobalFilter, Ordered {

    static final String OBSERVATION = "gatehouse.step";

    private final GlobalFilter step;
    private final GatewayStep position;
    private final String name;
    private final ObjectProvider<ObservationRegistry> registries;
    private volatile ObservationRegistry registry;

    TracedStep(GlobalFilter step, GatewayStep position, ObjectProvider<ObservationRegistry> registries) {
        this.step = step;
        this.position = position;
        this.name = position.name().toLowerCase(Locale.ROOT);
        this.registries = registries;
    }

    @Override
    public int getOrder() {
        return position.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return Mono.deferContextual(reactorContext -> {
            Observation call = reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            if (call == null || call.isNoop()) {
                return step.filter(exchange, chain);
            }
            Observation span = Observation.createNotStarted(OBSERVATION, registry())
                    .parentObservation(call)
                    .contextualName(name)
                    .lowCardinalityKeyValue("step", name)
                    .start();
            AtomicBoolean open = new AtomicBoolean(true);
            Runnable end = () -> {
                if (open.compareAndSet(true, false)) {
                    span.stop();
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

    private ObservationRegistry registry() {
        ObservationRegistry resolved = registry;
        if (resolved == null) {
            resolved = registries.getIfAvailable(() -> ObservationRegistry.NOOP);
            registry = resolved;
        }
        return resolved;
    }

    @Override
    public String toString() {
        return step.toString();
    }
}
