package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.GatewayStep;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Step spans as the real OpenTelemetry SDK records them, behind Micrometer's bridge, exported to memory as each ends. */
class TracedStepTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracer tracer = new OtelTracer(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()
            .get("test"), new OtelCurrentTraceContext(), event -> { });
    private final ObservationRegistry registry = ObservationRegistry.create();

    TracedStepTest() {
        registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    }

    @Test
    void aStepsSpanIsAChildOfTheCallsSpanAndEndsWhenTheStepHandsTheCallOn() {
        GlobalFilter authentication = (exchange, chain) -> chain.filter(exchange);
        List<String> finishedWhenTheNextStepRan = new ArrayList<>();
        GatewayFilterChain nextStep = exchange -> Mono.fromRunnable(
                () -> spans.getFinishedSpanItems().forEach(span -> finishedWhenTheNextStepRan.add(span.getName())));
        Observation call = Observation.start("http.server.requests", registry);

        StepVerifier.create(traced(authentication, GatewayStep.AUTHENTICATION).filter(exchange(), nextStep)
                        .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, call)))
                .verifyComplete();
        call.stop();

        assertThat(finishedWhenTheNextStepRan).containsExactly("authentication");
        SpanData step = spans.getFinishedSpanItems().get(0);
        SpanData server = spans.getFinishedSpanItems().get(1);
        assertThat(step.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(step.getTraceId()).isEqualTo(server.getTraceId());
    }

    @Test
    void aStepThatRefusesTheCallEndsItsSpanWithTheError() {
        GlobalFilter refusing = (exchange, chain) -> Mono.error(new IllegalStateException("refused"));
        Observation call = Observation.start("http.server.requests", registry);

        StepVerifier.create(traced(refusing, GatewayStep.POLICY_DECISION).filter(exchange(), exchange -> Mono.empty())
                        .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, call)))
                .verifyErrorMessage("refused");

        assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("policy_decision");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        });
    }

    @Test
    void aCallThatIsNotTracedGetsNoStepSpans() {
        GlobalFilter step = (exchange, chain) -> chain.filter(exchange);

        StepVerifier.create(traced(step, GatewayStep.METERING).filter(exchange(), exchange -> Mono.empty())).verifyComplete();

        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    private TracedStep traced(GlobalFilter step, GatewayStep position) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("tracer", tracer);
        return new TracedStep(step, position, beans.getBeanProvider(Tracer.class));
    }

    private static ServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
    }
}
