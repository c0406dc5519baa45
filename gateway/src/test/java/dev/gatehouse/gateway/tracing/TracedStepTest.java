package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.GatewayStep;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TracedStepTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ObservationRegistry registry = ObservationRegistry.create();

    TracedStepTest() {
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                events.add("start " + name(context));
            }

            @Override
            public void onError(Observation.Context context) {
                events.add("error " + name(context) + ": " + context.getError().getMessage());
            }

            @Override
            public void onStop(Observation.Context context) {
                events.add("stop " + name(context));
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            private String name(Observation.Context context) {
                return context.getContextualName() == null ? context.getName() : context.getContextualName();
            }
        });
    }

    @Test
    void aStepsSpanEndsWhenItHandsTheCallOnSoTheNextStepIsNotInsideIt() {
        GlobalFilter authentication = (exchange, chain) -> {
            events.add("authenticating");
            return chain.filter(exchange);
        };
        GatewayFilterChain nextStep = exchange -> Mono.fromRunnable(() -> events.add("next step runs"));

        StepVerifier.create(traced(authentication, GatewayStep.AUTHENTICATION).filter(exchange(), nextStep)
                        .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, serverSpan())))
                .verifyComplete();

        assertThat(events).containsSubsequence("start authentication", "authenticating", "stop authentication", "next step runs");
    }

    @Test
    void aStepThatRefusesTheCallEndsItsSpanWithTheError() {
        GlobalFilter refusing = (exchange, chain) -> Mono.error(new IllegalStateException("refused"));

        StepVerifier.create(traced(refusing, GatewayStep.POLICY_DECISION).filter(exchange(), exchange -> Mono.empty())
                        .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, serverSpan())))
                .verifyErrorMessage("refused");

        assertThat(events).containsSubsequence("start policy_decision", "error policy_decision: refused", "stop policy_decision");
    }

    @Test
    void aCallThatIsNotObservedGetsNoStepSpans() {
        GlobalFilter step = (exchange, chain) -> chain.filter(exchange);

        StepVerifier.create(traced(step, GatewayStep.METERING).filter(exchange(), exchange -> Mono.empty())).verifyComplete();

        assertThat(events).isEmpty();
    }

    private Observation serverSpan() {
        Observation call = Observation.start("http.server.requests", registry);
        events.clear();
        return call;
    }

    private TracedStep traced(GlobalFilter step, GatewayStep position) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("observationRegistry", registry);
        return new TracedStep(step, position, beans.getBeanProvider(ObservationRegistry.class));
    }

    private static ServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
    }
}
