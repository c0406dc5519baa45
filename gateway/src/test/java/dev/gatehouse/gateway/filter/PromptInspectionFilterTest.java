package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.PiiType;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.TenantStatus;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new prompt is scanned on the scan pool, never on the calling thread (an event loop); a prompt
 * whose every message the scanner already knows is judged where the call runs, with the same
 * result and no hand-off.
 */
class PromptInspectionFilterTest {

    private static final String PROMPT = "Please send the invoice to ana@example.com by Friday.";

    @Test
    void aNewPromptIsScannedOnTheScanPoolAndARepeatedOneWhereTheCallRuns() {
        Scheduler scanPool = Schedulers.newSingle("prompt-scan-test");
        try {
            PromptInspectionFilter filter = new PromptInspectionFilter(LayeredPromptScanner.rulesOnly(), scanPool);

            CallContext first = callContext();
            assertThat(threadThatContinues(filter, first)).startsWith("prompt-scan-test");

            CallContext repeated = callContext();
            assertThat(threadThatContinues(filter, repeated)).isEqualTo(Thread.currentThread().getName());

            assertThat(repeated.inspection().scan()).isEqualTo(first.inspection().scan());
            assertThat(repeated.inspection().scan().pii()).containsExactly(PiiType.EMAIL);
        } finally {
            scanPool.dispose();
        }
    }

    private static String threadThatContinues(PromptInspectionFilter filter, CallContext context) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        context.attachTo(exchange);
        AtomicReference<String> thread = new AtomicReference<>();
        GatewayFilterChain next = passed -> Mono.fromRunnable(() -> thread.set(Thread.currentThread().getName()));
        filter.filter(exchange, next).block(Duration.ofSeconds(5));
        return thread.get();
    }

    private static CallContext callContext() {
        CallContext context = new CallContext("call-1", "req-1", Endpoint.CHAT_COMPLETIONS, Instant.now(), System.nanoTime());
        ObjectNode body = new ObjectMapper().createObjectNode().put("model", "m");
        body.putArray("messages").addObject().put("role", "user").put("content", PROMPT);
        context.body(body);
        context.tenant(new Tenant(UUID.randomUUID(), "acme", "Acme", TenantStatus.ACTIVE, TenantSettings.DEFAULTS));
        context.complianceProfile(ComplianceProfile.DEFAULTS);
        return context;
    }
}
