package dev.gatehouse.standalone;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.problem.RequestIdFilter;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyToken;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Audits every control-plane action: each admin request that changes something (any method but GET
 * and HEAD) and each audit export, whoever sent it and however it ended, refused authentications
 * included. The record is journaled before the answer is committed (so a caller who saw the answer
 * can count on its record), goes to the log of the tenant the path names, or to the platform log, and
 * holds the method, the path with its identifiers generalised into the action's name, the status and
 * the caller's key id and roles: never a body, a query or a credential.
 */
final class ControlPlaneAuditFilter implements WebFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneAuditFilter.class);
    private static final String ADMIN_PREFIX = "/admin/v1/";
    /** Collections whose next path segment is a resource's identifier, which the action's name generalises. */
    private static final Set<String> COLLECTIONS = Set.of("tenants", "api-keys", "members", "clients", "models", "backends", "publishers",
            "subscriptions", "exports");

    private final AuditJournal journal;
    private final BearerAuthenticator callers;
    private final TenantDirectory tenants;
    private final Clock clock;

    ControlPlaneAuditFilter(AuditJournal journal, BearerAuthenticator callers, TenantDirectory tenants, Clock clock) {
        this.journal = journal;
        this.callers = callers;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!audited(exchange)) {
            return chain.filter(exchange);
        }
        if (!journal.tryReserve()) {
            return Mono.error(new ApiProblem(ProblemType.AUDIT_UNAVAILABLE,
                    "This action cannot be audited now (the audit journal is full), so it was not carried out."));
        }
        AtomicBoolean written = new AtomicBoolean();
        String recordId = UUID.randomUUID().toString();
        exchange.getResponse().beforeCommit(() -> write(exchange, recordId, written, null));
        return chain.filter(exchange)
                .doFinally(signal -> write(exchange, recordId, written, "ended_before_answer").subscribe(done -> { },
                        error -> LOG.error("audit record {} of an admin request not journaled", recordId, error)));
    }

    private static boolean audited(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().value();
        HttpMethod method = exchange.getRequest().getMethod();
        boolean reading = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        return path.startsWith(ADMIN_PREFIX) && (!reading || path.endsWith("/audit/export") || path.endsWith("/audit/platform/export")
                || (path.contains("/audit/exports/") && path.endsWith("/bundle")));
    }

    private Mono<Void> write(ServerWebExchange exchange, String recordId, AtomicBoolean written, String outcome) {
        if (!written.compareAndSet(false, true)) {
            return Mono.empty();
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return callers.authenticate(authorization)
                .map(principal -> event(exchange, recordId, principal, authorization, outcome))
                .onErrorResume(ApiProblem.class, refused -> Mono.just(event(exchange, recordId, null, authorization, outcome)))
                .flatMap(event -> Mono.fromFuture(() -> journal.appendReserved(event)));
    }

    private AuditEvent event(ServerWebExchange exchange, String recordId, ApiKeyPrincipal caller, String authorization, String outcome) {
        String path = exchange.getRequest().getPath().value();
        List<String> segments = List.of(path.substring(ADMIN_PREFIX.length()).split("/"));
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", exchange.getRequest().getMethod().name());
        facts.put("path", path);
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        facts.put("status", status == null ? 200 : status.value());
        if (outcome != null) {
            facts.put("outcome", outcome);
        }
        if (caller != null) {
            facts.put("key_id", caller.keyId());
            facts.put("roles", caller.roles().stream().map(Role::code).sorted().collect(Collectors.joining(",")));
        } else {
            String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
            ApiKeyToken.keyIdOf(token).ifPresent(keyId -> facts.put("key_id", keyId));
            facts.put("authentication", "refused");
        }
        UUID tenantId = segments.size() > 1 && segments.get(0).equals("tenants")
                ? tenants.findBySlug(segments.get(1)).map(Tenant::id).orElse(null) : null;
        String action = "admin " + exchange.getRequest().getMethod().name() + " " + ADMIN_PREFIX + generalised(segments);
        return new AuditEvent(recordId, RequestIdFilter.requestIdOf(exchange), tenantId, clock.instant(), action, facts);
    }

    /** {@code tenants/acme/api-keys/kabc/rotate} becomes {@code tenants/{}/api-keys/{}/rotate}. */
    private static String generalised(List<String> segments) {
        List<String> named = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            named.add(i > 0 && COLLECTIONS.contains(segments.get(i - 1)) ? "{}" : segments.get(i));
        }
        return String.join("/", named);
    }
}
