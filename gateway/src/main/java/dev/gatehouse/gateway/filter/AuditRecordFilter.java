package dev.gatehouse.gateway.filter;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.audit.ResponseEndGate;
import dev.gatehouse.gateway.content.ContentSealer;
import dev.gatehouse.gateway.inspection.ComplianceVocabulary;
import dev.gatehouse.gateway.inspection.PromptInspection;
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
import reactor.core.scheduler.Schedulers;

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
 * When the policy obliges content logging, the prompt and completion are sealed with the tenant's
 * key and journaled in the same fsynced record as the call's audit record, so {@code content_logged=true}
 * means the content is durable. Content that cannot be sealed (key service down, no key) or does not
 * fit the journal's byte budget is not logged, and the record says why ({@code content_not_logged});
 * a tenant whose compliance profile requires the content log then has its call fail (503
 * {@code content_log_unavailable}) instead of being answered. Only non-personal facts are recorded:
 * types of personal data, never prompt or response content, and of a credential only its public key id.
 */
public final class AuditRecordFilter implements GlobalFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRecordFilter.class);

    private final AuditJournal journal;
    private final ContentSealer sealer;

    public AuditRecordFilter(AuditJournal journal, ContentSealer sealer) {
        this.journal = journal;
        this.sealer = sealer;
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
            if (failure != null || !obligedToLog(context)) {
                return journal(eventOf(context, exchange, failure, outcome, false), null);
            }
            // sealing may wait for the key service (Vault Transit): off the event loop
            return Mono.fromCallable(() -> reservedSealedContent(context)).subscribeOn(Schedulers.boundedElastic()).flatMap(sealing -> {
                if (sealing.content() != null) {
                    return journal(eventOf(context, exchange, null, outcome, true), sealing.content());
                }
                if (context.complianceProfile().requireContentLog()) {
                    ApiProblem refusal = new ApiProblem(ProblemType.CONTENT_LOG_UNAVAILABLE,
                            "The call's content could not be stored in the content log (" + sealing.notLogged()
                                    + "), which this tenant requires; the answer was withheld.");
                    return journal(withFact(eventOf(context, exchange, refusal, null, false), "content_not_logged", sealing.notLogged()), null)
                            .then(Mono.error(refusal));
                }
                return journal(withFact(eventOf(context, exchange, null, outcome, false), "content_not_logged", sealing.notLogged()), null);
            });
        }

        private Mono<Void> journal(AuditEvent event, EncryptedContent content) {
            return Mono.fromFuture(() -> journal.appendReserved(event, content));
        }
    }

    private static boolean obligedToLog(CallContext context) {
        PolicyDecision decision = context.decision();
        return decision != null && decision.obligations().logContent() && context.completion() != null;
    }

    /** The call's content sealed, with room for it reserved in the journal; or why there is none. */
    private record Sealing(EncryptedContent content, String notLogged) {
    }

    private Sealing reservedSealedContent(CallContext context) {
        EncryptedContent sealed;
        try {
            sealed = sealer.seal(new ContentSealer.PlainContent(context.callId(), context.requestId(), context.tenant().id(),
                    context.receivedAt(), context.decision().obligations().retentionDays(),
                    context.body().toString().getBytes(StandardCharsets.UTF_8), context.completion()));
        } catch (CryptoException e) {
            LOG.error("content of call {} not logged: it cannot be sealed ({})", context.callId(), e.code());
            return new Sealing(null, e.code().name().toLowerCase(Locale.ROOT));
        }
        if (!journal.tryReserveContent((long) sealed.promptCiphertext().length + sealed.completionCiphertext().length)) {
            LOG.error("content of call {} not logged: the content waiting for the database holds its limit of bytes", context.callId());
            return new Sealing(null, "queue_full");
        }
        return new Sealing(sealed, null);
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
        if (context.cost() != null) {
            facts.put("cost", context.cost().amount().toPlainString());
            facts.put("cost_currency", context.cost().currency());
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
