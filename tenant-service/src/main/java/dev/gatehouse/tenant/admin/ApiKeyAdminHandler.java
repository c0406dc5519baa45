package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.ApiKeySummary;
import dev.gatehouse.tenant.ApiKeyToken;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * A tenant's API keys in the admin API: create (the secret is in that one answer only), list and
 * read (never the secret), rotate with an overlap window, revoke. Every change is pushed into this
 * instance's authenticator at once; other instances see it at their next refresh.
 */
final class ApiKeyAdminHandler {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "roles", "expires_at", "allowed_models", "allowed_endpoints",
            "requests_per_minute", "tokens_per_minute");
    private static final Set<String> ROTATE_FIELDS = Set.of("overlap_seconds", "expires_at");
    private static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    private static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private final TenantDatabase database;
    private final ApiKeyAuthenticator authenticator;
    private final AdminAccess access;
    private final Clock clock;

    ApiKeyAdminHandler(TenantDatabase database, ApiKeyAuthenticator authenticator, AdminAccess access, Clock clock) {
        this.database = database;
        this.authenticator = authenticator;
        this.access = access;
        this.clock = clock;
    }

    RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/tenants/{slug}/api-keys"), this::create)
                .andRoute(GET("/admin/v1/tenants/{slug}/api-keys"), this::list)
                .andRoute(GET("/admin/v1/tenants/{slug}/api-keys/{keyId}"), this::read)
                .andRoute(POST("/admin/v1/tenants/{slug}/api-keys/{keyId}/rotate"), this::rotate)
                .andRoute(DELETE("/admin/v1/tenants/{slug}/api-keys/{keyId}"), this::revoke);
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        return access.administrator(request).flatMap(caller -> AdminRequests.jsonBody(request, CREATE_FIELDS)
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    String name = AdminRequests.requiredText(body, "name", AdminRequests.MAX_NAME_LENGTH);
                    Set<Role> roles = AdminRequests.roles(body.get("roles"));
                    AdminAccess.requireGrantable(caller, roles, "roles");
                    ApiKeyScopes scopes = AdminAccess.grantableScopes(caller, new ApiKeyScopes(
                            AdminRequests.optionalTextList(body, "allowed_models"), AdminRequests.optionalTextList(body, "allowed_endpoints"),
                            optionalRate(body, "requests_per_minute"), optionalRate(body, "tokens_per_minute")));
                    Instant expiresAt = AdminRequests.optionalFutureInstant(body, "expires_at", clock.instant());
                    IssuedApiKey key = database.apiKeys().create(tenant.id(), name, roles, scopes, expiresAt);
                    authenticator.refresh();
                    return issued(key, tenant);
                }))
                .flatMap(answer -> AdminRequests.json(HttpStatus.CREATED, answer));
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            Tenant tenant = access.manageableTenant(caller, request);
            ObjectNode answer = AdminRequests.JSON.createObjectNode();
            ArrayNode data = answer.putArray("data");
            database.apiKeys().listForTenant(tenant.id()).stream().map(ApiKeyAdminHandler::summary).forEach(data::add);
            return answer;
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> read(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> summary(ownKey(access.manageableTenant(caller, request), request)))
                .flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> rotate(ServerRequest request) {
        return access.administrator(request).flatMap(caller -> AdminRequests.jsonBody(request, ROTATE_FIELDS)
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    ApiKeySummary old = ownKey(tenant, request);
                    AdminAccess.requireManageable(caller, old);
                    Instant now = clock.instant();
                    Duration overlap = body.has("overlap_seconds")
                            ? Duration.ofSeconds(AdminRequests.requiredInteger(body.get("overlap_seconds"), "overlap_seconds", 0, MAX_OVERLAP.toSeconds()))
                            : DEFAULT_OVERLAP;
                    Instant newExpiry = successorExpiry(body, old, now);
                    IssuedApiKey key = database.apiKeys().rotate(old.keyId(), now.plus(overlap), newExpiry).orElseThrow(() ->
                            new ApiProblem(ProblemType.CONFLICT, "Only a key that is neither revoked, expired nor already rotated can be rotated."));
                    authenticator.refresh();
                    ObjectNode answer = issued(key, tenant);
                    answer.put("replaces", old.keyId());
                    AdminRequests.putInstant(answer, "replaced_key_expires_at",
                            old.expiresAt() != null && old.expiresAt().isBefore(now.plus(overlap)) ? old.expiresAt() : now.plus(overlap));
                    return answer;
                }))
                .flatMap(answer -> AdminRequests.json(HttpStatus.CREATED, answer));
    }

    private Mono<ServerResponse> revoke(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            ApiKeySummary key = ownKey(access.manageableTenant(caller, request), request);
            AdminAccess.requireManageable(caller, key);
            if (!database.apiKeys().revoke(key.keyId())) {
                throw new ApiProblem(ProblemType.NOT_FOUND, "No active key with this id in this tenant.");
            }
            authenticator.refresh();
            return key;
        }).flatMap(revoked -> ServerResponse.noContent().build());
    }

    /**
     * The expiry of the key that replaces {@code old}: as requested, or the old key's own when none
     * is; never later than the old key's, or rotating would extend a key's life at will.
     */
    private static Instant successorExpiry(JsonNode body, ApiKeySummary old, Instant now) {
        Instant requested = AdminRequests.optionalFutureInstant(body, "expires_at", now);
        if (requested == null) {
            return old.expiresAt();
        }
        if (old.expiresAt() != null && requested.isAfter(old.expiresAt())) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'expires_at' must not be later than the expiry of the key being rotated, "
                    + old.expiresAt() + "; leave it out to keep that expiry.", "expires_at");
        }
        return requested;
    }

    /** A path segment that is no key id is answered like an unknown key, before any lookup. */
    private ApiKeySummary ownKey(Tenant tenant, ServerRequest request) {
        String keyId = request.pathVariable("keyId");
        return (ApiKeyToken.isKeyId(keyId) ? database.apiKeys().find(keyId) : Optional.<ApiKeySummary>empty())
                .filter(key -> key.tenantId().equals(tenant.id()))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No key with this id in this tenant."));
    }

    /** A key's own rate limit, or null (absent or null) for its tenant's plan. */
    private static Long optionalRate(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : AdminRequests.requiredInteger(value, field, 1, Long.MAX_VALUE);
    }

    private static void putRates(ObjectNode target, ApiKeyScopes scopes) {
        target.put("requests_per_minute", scopes.requestsPerMinute());
        target.put("tokens_per_minute", scopes.tokensPerMinute());
    }

    private static ObjectNode issued(IssuedApiKey key, Tenant tenant) {
        ObjectNode answer = AdminRequests.JSON.createObjectNode();
        answer.put("key_id", key.keyId());
        answer.put("token", key.token());
        answer.put("tenant", tenant.slug());
        answer.put("name", key.name());
        AdminRequests.putSorted(answer, "roles", key.roles().stream().map(Role::code).toList());
        AdminRequests.putSorted(answer, "allowed_models", key.scopes().models());
        AdminRequests.putSorted(answer, "allowed_endpoints", key.scopes().endpoints());
        putRates(answer, key.scopes());
        AdminRequests.putInstant(answer, "expires_at", key.expiresAt());
        return answer;
    }

    private static ObjectNode summary(ApiKeySummary key) {
        ObjectNode entry = AdminRequests.JSON.createObjectNode();
        entry.put("key_id", key.keyId());
        entry.put("name", key.name());
        AdminRequests.putSorted(entry, "roles", key.roles().stream().map(Role::code).toList());
        AdminRequests.putSorted(entry, "allowed_models", key.scopes().models());
        AdminRequests.putSorted(entry, "allowed_endpoints", key.scopes().endpoints());
        putRates(entry, key.scopes());
        AdminRequests.putInstant(entry, "created_at", key.createdAt());
        AdminRequests.putInstant(entry, "expires_at", key.expiresAt());
        AdminRequests.putInstant(entry, "revoked_at", key.revokedAt());
        AdminRequests.putInstant(entry, "last_used_at", key.lastUsedAt());
        entry.put("replaced_by", key.replacedBy());
        return entry;
    }
}
