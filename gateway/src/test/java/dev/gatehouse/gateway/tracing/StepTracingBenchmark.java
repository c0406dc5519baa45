package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.GatewayStep;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What tracing adds to one call's pass through the pipeline, in isolation and warm, run by hand
 * (numbers go into docs/benchmarks.md): a server observation per call, as WebFlux makes it, and the
 * fourteen traced steps, each doing nothing but hand the call on, so that only the tracing is
 * timed. Three set-ups: tracing off (the server observation keeps its metrics, as before tracing),
 * tracing with every call sampled (the default), tracing with none sampled. The real OpenTelemetry SDK behind Micrometer's
 * bridge, without an exporter (the embedded default).
 */
public final class StepTracingBenchmark {

    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 50_000;

    private StepTracingBenchmark() {
    }

    public static void main(String[] args) {
        for (int round = 0; round < 2; round++) {
            run("tracing off, metrics only", null);
            run("traced, every call sampled", Sampler.alwaysOn());
            run("traced, no call sampled", Sampler.alwaysOff());
        }
    }

    /** @param sampler null: no tracing at all */
    private static void run(String setUp, Sampler sampler) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        if (sampler != null) {
            OtelTracer tracer = new OtelTracer(SdkTracerProvider.builder().setSampler(sampler).build().get("gatehouse"),
                    new OtelCurrentTraceContext(), event -> { });
            registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
            beans.addBean("tracer", tracer);
        }
        List<GlobalFilter> steps = new ArrayList<>();
        for (GatewayStep step : GatewayStep.values()) {
            if (step == GatewayStep.BACKEND_CALL) {
                continue;
            }
            GlobalFilter handOn = (exchange, chain) -> chain.filter(exchange);
            steps.add(new TracedStep(handOn, step, beans.getBeanProvider(Tracer.class)));
        }
        ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        for (int call = 0; call < WARM_UP; call++) {
            oneCall(registry, steps, exchange);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[MEASURED];
        long cpuBefore = threads.getCurrentThreadCpuTime();
        for (int call = 0; call < MEASURED; call++) {
            long started = System.nanoTime();
            oneCall(registry, steps, exchange);
            nanos[call] = System.nanoTime() - started;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        Arrays.sort(nanos);
        System.out.printf("%s: p50 %.1f µs, p99 %.1f µs, CPU %.1f µs per call%n", setUp, nanos[MEASURED / 2] / 1000.0,
                nanos[MEASURED * 99 / 100] / 1000.0, cpu / 1000.0 / MEASURED);
    }

    private static void oneCall(ObservationRegistry registry, List<GlobalFilter> steps, ServerWebExchange exchange) {
        Observation call = Observation.createNotStarted("http.server.requests", registry).contextualName("http post").start();
        chain(steps, 0).filter(exchange).contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, call)).block();
        call.stop();
    }

    private static GatewayFilterChain chain(List<GlobalFilter> steps, int index) {
        return exchange -> index == steps.size() ? Mono.empty() : steps.get(index).filter(exchange, chain(steps, index + 1));
    }
}
