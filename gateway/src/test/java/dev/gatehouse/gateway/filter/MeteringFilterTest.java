package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.gateway.metering.CallMetrics;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.gateway.metering.TokenUsage;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.policy.PolicyObligations;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.TenantStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps that run once the filter chain completes (audit record, content log) read the answer
 * and usage metering took from the body; so metering records them before the end of the body is
 * passed on, even where the write completes inside that very signal, as the mock response's does.
 */
class MeteringFilterTest {

    private static final String ANSWER = "{\"choices\":[{\"message\":{\"content\":\"hello\"}}],"
            + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}";

    @Test
    void theAnswerAndItsUsageAreRecordedByTheTimeTheChainCompletes() throws Exception {
        List<UsageRecord> booked = new CopyOnWriteArrayList<>();
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        CallContext context = callContext();
        context.decision(decision(true));
        context.attachTo(exchange);
        AtomicReference<String> answerSeenAtCompletion = new AtomicReference<>();
        GatewayFilterChain backendAnswers = answered -> {
            ServerHttpResponse response = answered.getResponse();
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            DataBuffer body = response.bufferFactory().wrap(ANSWER.getBytes(StandardCharsets.UTF_8));
            return response.writeWith(Flux.just(body));
        };

        try (AsyncBatchWriter<UsageRecord> ledger = new AsyncBatchWriter<>("usage", 10, booked::addAll)) {
            metered(ledger, exchange, backendAnswers)
                    .then(Mono.fromRunnable(() -> answerSeenAtCompletion.set(
                            context.completion() == null ? null : new String(context.completion(), StandardCharsets.UTF_8))))
                    .block(Duration.ofSeconds(5));
            assertThat(ledger.flush(Duration.ofSeconds(5))).isTrue();
        }

        assertThat(answerSeenAtCompletion.get()).isEqualTo(ANSWER);
        assertThat(context.usage().promptTokens()).isEqualTo(7);
        assertThat(booked).singleElement().satisfies(record -> assertThat(record.cost()).isEqualByComparingTo("0.000013"));
    }

    @Test
    void theAnswerOfACallWhoseContentIsNotLoggedIsNotKept() throws Exception {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        CallContext context = callContext();
        context.decision(decision(false));
        context.attachTo(exchange);
        GatewayFilterChain backendAnswers = answered -> {
            ServerHttpResponse response = answered.getResponse();
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            return response.writeWith(Flux.just(response.bufferFactory().wrap(ANSWER.getBytes(StandardCharsets.UTF_8))));
        };

        try (AsyncBatchWriter<UsageRecord> ledger = new AsyncBatchWriter<>("usage", 10, records -> { })) {
            metered(ledger, exchange, backendAnswers).block(Duration.ofSeconds(5));
        }

        assertThat(context.completion()).isNull();
        assertThat(context.usage()).isEqualTo(new TokenUsage(7, 2, true));
    }

    @Test
    void countsTheTokensWithTheModelsTokenizerWhenTheBackendReportsNoUsage() throws Exception {
        List<UsageRecord> booked = new CopyOnWriteArrayList<>();
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        CallContext context = callContext();
        context.attachTo(exchange);
        GatewayFilterChain backendAnswersWithoutUsage = answered -> {
            ServerHttpResponse response = answered.getResponse();
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            return response.writeWith(Flux.just(response.bufferFactory().wrap(
                    "{\"choices\":[{\"message\":{\"content\":\"hello world\"}}]}".getBytes(StandardCharsets.UTF_8))));
        };

        try (AsyncBatchWriter<UsageRecord> ledger = new AsyncBatchWriter<>("usage", 10, booked::addAll)) {
            metered(ledger, exchange, backendAnswersWithoutUsage).block(Duration.ofSeconds(5));
            assertThat(ledger.flush(Duration.ofSeconds(5))).isTrue();
        }

        // the prompt: 3 priming the reply + 3 framing the message + "user" + "hi"; the answer "hello world"
        assertThat(booked).singleElement().satisfies(record -> {
            assertThat(record.tokens()).isEqualTo(new TokenUsage(3 + 3 + 1 + 1, 2, false));
            assertThat(record.countedWith()).isEqualTo("cl100k_base");
            assertThat(record.callId()).isEqualTo("call-1");
            assertThat(record.requestId()).isEqualTo("req-1");
            assertThat(record.firstTokenMillis()).isNotNull().isLessThanOrEqualTo(record.latencyMillis());
        });
    }

    /** Metering, then the answer steps' one decorator (as the pipeline orders them), then the backend. */
    private static Mono<Void> metered(AsyncBatchWriter<UsageRecord> ledger, MockServerWebExchange exchange, GatewayFilterChain backend) {
        return new MeteringFilter(ledger, new TokenCounter(), new CallMetrics(new SimpleMeterRegistry(), 10))
                .filter(exchange, metered -> new AnswerStepsFilter().filter(metered, backend));
    }

    private static PolicyDecision decision(boolean logContent) {
        return new PolicyDecision(true, List.of(), "customer_support", new PolicyObligations(Set.of("eu-central"), Set.of(), logContent, 30),
                "test", "0".repeat(64));
    }

    private static CallContext callContext() {
        CallContext context = new CallContext("call-1", "req-1", Endpoint.CHAT_COMPLETIONS, Instant.now(), System.nanoTime());
        ObjectNode body = new ObjectMapper().createObjectNode().put("model", "m");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        context.body(body);
        UUID tenantId = UUID.randomUUID();
        context.tenant(new Tenant(tenantId, "acme", "Acme", TenantStatus.ACTIVE, TenantSettings.DEFAULTS));
        context.principal(new ApiKeyPrincipal("key-1", tenantId, Set.of(Role.DEVELOPER), ApiKeyScopes.UNRESTRICTED));
        context.model(CatalogModel.platformModel("m", ModelKind.CHAT, ModelDescription.of("M", "acme", ""),
                ModelPrice.perMillionTokens(Instant.EPOCH, "1.00", "3.00"), false, Set.of(), List.of()));
        context.backend(new ModelBackend("b", "m", URI.create("http://backend.invalid"), "m", "eu-central"));
        return context;
    }
}
