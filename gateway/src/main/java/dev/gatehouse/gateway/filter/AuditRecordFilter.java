package dev.gatehouse.gateway.filter;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.audit.ContentQueueBudget;
import dev.gatehouse.gateway.audit.ResponseEndGate;
import dev.gatehouse.gateway.content.ContentRecorder;
import dev.gatehouse.gateway.inspection.ComplianceVocabulary;
import dev.gatehouse.gateway.inspection.PromptInspection;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.gateway.routing.SkippedFallback;
import dev.gatehouse.gateway.tracing.CallTracing;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.policy.PolicyReason;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.scanner.Finding;
import dev.gatehouse.scanner.ResponseVerdict;
import dev.gatehouse.tenant.ApiKeyToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Gives every call its audit record, keyed by the gateway's call id, however the call ended:
 * answered, refused (authentication included, which is why this step runs before it), failed at the
 * backend, or abandoned by the caller. The record is durable in the audit journal before the caller
 * gets the end of the answer: the last piece of the body, or the error, waits for the journal's
 * fsync. Room in the journal is reserved when the call starts, so a journal that cannot take more
 * refuses calls up front (503 audit_unavailable, fail closed) instead of losing their records.
 * When the policy obliges content logging, the prompt and completion go to the content log, which
 * stores them encrypted with the tenant's key. Only non-personal facts are recorded: types of
 * personal data, never prompt or response content, and of a credential only its public key id.
 */
public final class AuditRecordFilter implements GlobalFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRecordFilter.class);

    private final AuditJournal journal;
    private final AsyncBatchWriter<ContentRecorder.PlainContent> contentLog;
    private final ContentQueueBudget contentBudget;

    public AuditRecordFilter(AuditJournal journal, AsyncBatchWriter<ContentRecorder.PlainContent> contentLog, ContentQueueBudget contentBudget) {
        this.journal = journal;
        this.contentLog = contentLog;
        this.contentBudget = contentBudget;
    }

    @Override
    public int getOrder() {
        return GatewayStep.AUDIT_RECORD.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!journal.tryReserve()) {
            return Mono.error(new ApiProblem(ProblemType.AUDIT_UNAVAILABLE,
                    "The call cannot be audited now (the audit journal is full); it was not sent to any model."));
        }
        return Mono.deferContextual(reactorContext -> {
            CallContext context = CallContext.of(exchange);
            context.traceId(CallTracing.traceIdIn(reactorContext));
            CallRecord record = new CallRecord(context, exchange);
            ServerWebExchange gated = exchange.mutate().response(new ResponseEndGate(exchange.getResponse(), () -> record.write(null, "completed"))).build();
            return chain.filter(gated)
                    .onErrorResume(failure -> record.write(failure, null).then(Mono.error(failure)))
                    .then(Mono.defer(() -> record.write(null, "completed")))
                    .doOnCancel(() -> record.write(null, "cancelled_by_client").subscribe(done -> { },
                            error -> LOG.error("audit record of abandoned call {} not journaled", record.context.callId(), error)));
        });
    }

    /** The one record of a call: written by whichever end comes first, then never again. */
    private final class CallRecord {
        private final CallContext context;
        private final ServerWebExchange exchange;
        private final AtomicBoolean written = new AtomicBoolean();

        CallRecord(CallContext context, ServerWebExchange exchange) {
            this.context = context;
            this.exchange = exchange;
        }

        Mono<Void> write(Throwable failure, String outcome) {
            if (!written.compareAndSet(false, true)) {
                return Mono.empty();
            }
            String contentNotLogged = failure == null ? logContent(context) : null;
            AuditEvent event = eventOf(context, exchange, failure, outcome, failure == null && contentNotLogged == null && obligedToLog(context));
            if (contentNotLogged != null && obligedToLog(context)) {
                event = withFact(event, "content_not_logged", contentNotLogged);
            }
            AuditEvent recorded = event;
            return Mono.fromFuture(() -> journal.appendReserved(recorded));
        }
    }

    private static boolean obligedToLog(CallContext context) {
        PolicyDecision decision = context.decision();
        return decision != null && decision.obligations().logContent() && context.completion() != null;
    }

    /**
     * Hands the call's content to the content log when the policy obliges it; returns null when it did
     * (or had nothing to do), else why not.
     */
    private String logContent(CallContext context) {
        if (!obligedToLog(context)) {
            return null;
        }
        byte[] prompt = context.body().toString().getBytes(StandardCharsets.UTF_8);
        long bytes = (long) prompt.length + context.completion().length;
        if (!contentBudget.tryTake(bytes)) {
            LOG.error("content of call {} not logged: the content queue holds its limit of bytes ({} refused so far)",
                    context.callId(), contentBudget.refusedCount());
            return "queue_full";
        }
        if (!contentLog.submit(new ContentRecorder.PlainContent(context.callId(), context.requestId(), context.tenant().id(), context.receivedAt(),
                context.decision().obligations().retentionDays(), prompt, context.completion()))) {
            contentBudget.release(bytes);
            return "queue_full";
        }
        return null;
    }

    private static AuditEvent withFact(AuditEvent event, String name, Object value) {
        Map<String, Object> facts = new LinkedHashMap<>(event.facts());
        facts.put(name, value);
        return new AuditEvent(event.recordId(), event.requestId(), event.tenantId(), event.occurredAt(), event.action(), facts);
    }

    static AuditEvent eventOf(CallContext context, ServerWebExchange exchange, Throwable failure, String outcome, boolean contentLogged) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("content_logged", contentLogged);
        facts.put("endpoint", context.endpoint().path());
        if (context.traceId() != null) {
            facts.put("trace_id", context.traceId());
        }
        UUID tenantId = null;
        if (context.principal() != null) {
            facts.put("key_id", context.principal().keyId());
            tenantId = context.principal().tenantId();
        } else {
            String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            facts.put("credential", credentialKind(authorization));
            ApiKeyToken.keyIdOf(bearerToken(authorization)).ifPresent(keyId -> facts.put("key_id", keyId));
        }
        if (context.tenant() != null) {
            tenantId = context.tenant().id();
        }
        if (context.model() != null) {
            facts.put("model", context.model().id());
            if (context.servedByFallback()) {
                facts.put("requested_model", context.requestedModel().id());
            }
        }
        if (!context.skippedFallbacks().isEmpty()) {
            facts.put("fallbacks_skipped", context.skippedFallbacks().stream().map(SkippedFallback::summary).collect(Collectors.joining(",")));
        }
        if (context.backend() != null) {
            facts.put("backend", context.backend().id());
            facts.put("region", context.backend().region());
        }
        if (!context.backendAttempts().isEmpty()) {
            facts.put("backend_attempts", context.backendAttempts().stream()
                    .map(attempt -> attempt.backendId() + "@" + attempt.region() + ":" + attempt.outcome()).collect(Collectors.joining(",")));
        }
        if (failure != null) {
            ApiProblem problem = ProblemExceptionHandler.describe(failure);
            facts.put("status", problem.type().status());
            facts.put("outcome", problem.type().code());
        } else {
            facts.put("status", statusOf(exchange));
            facts.put("outcome", outcome);
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
        return new AuditEvent(context.callId(), context.requestId(), tenantId, context.receivedAt(),
                context.principal() == null ? "authentication_refused" : "model_call", facts);
    }

    private static String credentialKind(String authorization) {
        String token = bearerToken(authorization);
        if (token == null) {
            return authorization == null ? "none" : "not_bearer";
        }
        return token.startsWith("gatehouse_") ? "api_key" : "access_token";
    }

    private static String bearerToken(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
    }

    private static int statusOf(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status == null ? 200 : status.value();
    }

    @Override
    public String toString() {
        return "AuditRecord[journaled before the answer ends; per-tenant Merkle log]";
    }
}
