package dev.gatehouse.gateway.filter;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.content.ContentRecorder;
import dev.gatehouse.gateway.inspection.ComplianceVocabulary;
import dev.gatehouse.gateway.inspection.PromptInspection;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.policy.PolicyReason;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.scanner.Finding;
import dev.gatehouse.scanner.ResponseVerdict;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records every call of an identified tenant in the audit log once it has ended, however it
 * ended: answered, refused by a later step, failed at the backend, or abandoned by the caller.
 * When the policy obliges content logging, the prompt and completion go to the content log,
 * which stores them encrypted with the tenant's key.
 * It wraps the steps after it, which is why it runs early although it writes last. It keeps the
 * policy decision with its revision and input digest, and the scanner's verdict. Only
 * non-personal facts are recorded: types of personal data, never prompt or response content.
 */
public final class AuditRecordFilter implements GlobalFilter, Ordered {

    private final AsyncBatchWriter<AuditEvent> auditTrail;
    private final AsyncBatchWriter<ContentRecorder.PlainContent> contentLog;

    public AuditRecordFilter(AsyncBatchWriter<AuditEvent> auditTrail, AsyncBatchWriter<ContentRecorder.PlainContent> contentLog) {
        this.auditTrail = auditTrail;
        this.contentLog = contentLog;
    }

    @Override
    public int getOrder() {
        return GatewayStep.AUDIT_RECORD.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        return chain.filter(exchange)
                .doOnError(failure::set)
                .doFinally(signal -> {
                    boolean contentLogged = failure.get() == null && logContent(context);
                    auditTrail.submit(eventOf(context, exchange, failure.get(), signal, contentLogged));
                });
    }

    /** Hands the call's content to the content log when the policy obliges it; returns whether it did. */
    private boolean logContent(CallContext context) {
        PolicyDecision decision = context.decision();
        if (decision == null || !decision.obligations().logContent() || context.completion() == null) {
            return false;
        }
        return contentLog.submit(new ContentRecorder.PlainContent(context.callId(), context.requestId(), context.tenant().id(), context.receivedAt(),
                decision.obligations().retentionDays(), context.body().toString().getBytes(StandardCharsets.UTF_8), context.completion()));
    }

    static AuditEvent eventOf(CallContext context, ServerWebExchange exchange, Throwable failure, SignalType signal, boolean contentLogged) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("content_logged", contentLogged);
        facts.put("endpoint", context.endpoint().path());
        facts.put("key_id", context.principal().keyId());
        if (context.model() != null) {
            facts.put("model", context.model().id());
        }
        if (context.backend() != null) {
            facts.put("backend", context.backend().id());
            facts.put("region", context.backend().region());
        }
        if (failure != null) {
            ApiProblem problem = ProblemExceptionHandler.describe(failure);
            facts.put("status", problem.type().status());
            facts.put("outcome", problem.type().code());
        } else if (signal == SignalType.CANCEL) {
            facts.put("status", statusOf(exchange));
            facts.put("outcome", "cancelled_by_client");
        } else {
            facts.put("status", statusOf(exchange));
            facts.put("outcome", "completed");
        }
        PromptInspection inspection = context.inspection();
        if (inspection != null) {
            facts.put("injection_score", Math.round(inspection.verdict().score() * 1000) / 1000.0);
            if (inspection.verdict().triggered()) {
                facts.put("injection_action", inspection.verdict().action().name().toLowerCase(Locale.ROOT));
                facts.put("injection_rules", inspection.verdict().reasons().stream().map(Finding::ruleId).distinct().sorted()
                        .collect(Collectors.joining(",")));
            }
            facts.put("pii_types", String.join(",", new TreeSet<>(inspection.piiTypes())));
            facts.put("special_categories", String.join(",", new TreeSet<>(inspection.specialCategories())));
        }
        ResponseVerdict responseVerdict = context.responseVerdict();
        if (responseVerdict != null) {
            facts.put("response_system_prompt_leak", responseVerdict.systemPromptLeak());
            facts.put("response_pii_types", responseVerdict.pii().stream().map(ComplianceVocabulary::policyName).sorted()
                    .collect(Collectors.joining(",")));
            if (responseVerdict.action() != null) {
                facts.put("response_action", responseVerdict.action().name().toLowerCase(Locale.ROOT));
            }
        }
        PolicyDecision decision = context.decision();
        if (decision != null) {
            facts.put("policy_allow", decision.allow());
            facts.put("policy_reasons", decision.reasons().stream().map(PolicyReason::code).collect(Collectors.joining(",")));
            facts.put("policy_revision", decision.revision());
            facts.put("policy_input_digest", decision.inputDigest());
            facts.put("purpose", decision.purpose());
            facts.put("route_regions", String.join(",", decision.obligations().routeRegions()));
            facts.put("redacted", String.join(",", decision.obligations().redact()));
            facts.put("log_content", decision.obligations().logContent());
            facts.put("retention_days", decision.obligations().retentionDays());
        }
        facts.put("streamed", context.streamed());
        if (context.usage() != null) {
            facts.put("prompt_tokens", context.usage().promptTokens());
            facts.put("completion_tokens", context.usage().completionTokens());
            facts.put("usage_reported", context.usage().reportedByBackend());
        }
        facts.put("latency_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - context.receivedNanos()));
        return new AuditEvent(context.requestId(), context.tenant() == null ? context.principal().tenantId() : context.tenant().id(),
                context.receivedAt(), "model_call", facts);
    }

    private static int statusOf(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status == null ? 200 : status.value();
    }

    @Override
    public String toString() {
        return "AuditRecord[async, hash-chained]";
    }
}
