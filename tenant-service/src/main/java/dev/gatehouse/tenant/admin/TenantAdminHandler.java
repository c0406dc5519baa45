package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeySummary;
import dev.gatehouse.tenant.ApiKeyVerification;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The tenant administration API under {@code /admin/v1}: tenants and their API keys. Callers
 * authenticate with an API key; a platform admin manages every tenant, a tenant admin only their
 * own, and nobody can mint a key with a role they do not hold. Another tenant's resources answer
 * 404, exactly like missing ones, so their existence does not leak.
 */
public final class TenantAdminHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final TenantDatabase database;
    private final ApiKeyAuthenticator authenticator;

    public TenantAdminHandler(TenantDatabase database, ApiKeyAuthenticator authenticator) {
        this.database = database;
        this.authenticator = authenticator;
    }

    public RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/tenants"), this::createTenant)
                .andRoute(POST("/admin/v1/tenants/{slug}/api-keys"), this::createKey)
                .andRoute(GET("/admin/v1/tenants/{slug}/api-keys"), this::listKeys)
                .andRoute(DELETE("/admin/v1/tenants/{slug}/api-keys/{keyId}"), this::revokeKey);
    }

    private Mono<ServerResponse> createTenant(ServerRequest request) {
        ApiKeyPrincipal caller = authenticate(request);
        if (!caller.hasRole(Role.PLATFORM_ADMIN)) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Creating tenants needs the platform-admin role.");
        }
        return jsonBody(request).publishOn(Schedulers.boundedElastic()).flatMap(body -> {
            String slug = requiredText(body, "slug", 63);
            if (!SLUG.matcher(slug).matches()) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST,
                        "'slug' must be 2-63 lowercase letters, digits or hyphens, starting with a letter or digit.", "slug");
            }
            String displayName = requiredText(body, "display_name", MAX_NAME_LENGTH);
            Tenant tenant;
            try {
                tenant = database.tenants().create(slug, displayName);
            } catch (DuplicateKeyException e) {
                throw new ApiProblem(ProblemType.CONFLICT, "A tenant with this slug already exists.", "slug");
            }
            ObjectNode answer = JSON.createObjectNode();
            answer.put("id", tenant.id().toString());
            answer.put("slug", tenant.slug());
            answer.put("display_name", tenant.displayName());
            answer.put("status", tenant.status().name().toLowerCase(java.util.Locale.ROOT));
            return json(HttpStatus.CREATED, answer);
        });
    }

    private Mono<ServerResponse> createKey(ServerRequest request) {
        ApiKeyPrincipal caller = authenticate(request);
        return jsonBody(request).publishOn(Schedulers.boundedElastic()).flatMap(body -> {
            Tenant tenant = manageableTenant(caller, request.pathVariable("slug"));
            String name = requiredText(body, "name", MAX_NAME_LENGTH);
            Set<Role> roles = roles(body.get("roles"));
            for (Role role : roles) {
                if (!caller.hasRole(role) && !caller.hasRole(Role.PLATFORM_ADMIN)) {
                    throw new ApiProblem(ProblemType.FORBIDDEN, "You cannot grant the role '" + role.code() + "', which you do not hold.", "roles");
                }
            }
            if (roles.contains(Role.PLATFORM_ADMIN) && !caller.hasRole(Role.PLATFORM_ADMIN)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "Only platform admins can grant platform-admin.", "roles");
            }
            Instant expiresAt = expiry(body.get("expires_at"));
            IssuedApiKey key = database.apiKeys().create(tenant.id(), name, roles, expiresAt);
            authenticator.refresh();
            ObjectNode answer = JSON.createObjectNode();
            answer.put("key_id", key.keyId());
            answer.put("token", key.token());
            answer.put("tenant", tenant.slug());
            answer.put("name", key.name());
            ArrayNode granted = answer.putArray("roles");
            key.roles().stream().map(Role::code).sorted().forEach(granted::add);
            answer.put("expires_at", expiresAt == null ? null : expiresAt.toString());
            return json(HttpStatus.CREATED, answer);
        });
    }

    private Mono<ServerResponse> listKeys(ServerRequest request) {
        ApiKeyPrincipal caller = authenticate(request);
        return Mono.fromCallable(() -> {
            Tenant tenant = manageableTenant(caller, request.pathVariable("slug"));
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode data = answer.putArray("data");
            for (ApiKeySummary key : database.apiKeys().listForTenant(tenant.id())) {
                ObjectNode entry = data.addObject();
                entry.put("key_id", key.keyId());
                entry.put("name", key.name());
                ArrayNode roles = entry.putArray("roles");
                key.roles().stream().map(Role::code).sorted().forEach(roles::add);
                entry.put("created_at", String.valueOf(key.createdAt()));
                entry.put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
                entry.put("revoked_at", key.revokedAt() == null ? null : key.revokedAt().toString());
                entry.put("last_used_at", key.lastUsedAt() == null ? null : key.lastUsedAt().toString());
            }
            return answer;
        }).subscribeOn(Schedulers.boundedElastic()).flatMap(answer -> json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> revokeKey(ServerRequest request) {
        ApiKeyPrincipal caller = authenticate(request);
        return Mono.fromCallable(() -> {
            Tenant tenant = manageableTenant(caller, request.pathVariable("slug"));
            String keyId = request.pathVariable("keyId");
            boolean ownKey = database.apiKeys().find(keyId).filter(key -> key.tenantId().equals(tenant.id())).isPresent();
            if (!ownKey || !database.apiKeys().revoke(keyId)) {
                throw new ApiProblem(ProblemType.NOT_FOUND, "No active key with this id in this tenant.");
            }
            authenticator.refresh();
            return true;
        }).subscribeOn(Schedulers.boundedElastic()).flatMap(revoked -> ServerResponse.noContent().build());
    }

    private ApiKeyPrincipal authenticate(ServerRequest request) {
        String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiProblem(ProblemType.MISSING_CREDENTIALS, "Send an admin API key as 'Authorization: Bearer <key>'.");
        }
        ApiKeyVerification verification = authenticator.verify(authorization.substring(7).strip());
        if (verification instanceof ApiKeyVerification.Accepted accepted) {
            ApiKeyPrincipal principal = accepted.principal();
            if (!principal.hasRole(Role.PLATFORM_ADMIN) && !principal.hasRole(Role.TENANT_ADMIN)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "The admin API needs the tenant-admin or platform-admin role.");
            }
            return principal;
        }
        ApiKeyVerification.Reason reason = ((ApiKeyVerification.Refused) verification).reason();
        throw switch (reason) {
            case REVOKED -> new ApiProblem(ProblemType.REVOKED_API_KEY, "The API key has been revoked.");
            case EXPIRED -> new ApiProblem(ProblemType.EXPIRED_API_KEY, "The API key has expired.");
            case TENANT_SUSPENDED -> new ApiProblem(ProblemType.TENANT_SUSPENDED, "The tenant of this API key is suspended.");
            case INVALID -> new ApiProblem(ProblemType.INVALID_API_KEY, "The API key is not valid.");
        };
    }

    private Tenant manageableTenant(ApiKeyPrincipal caller, String slug) {
        Tenant tenant = database.tenants().findBySlug(slug).orElse(null);
        boolean visible = tenant != null && (caller.hasRole(Role.PLATFORM_ADMIN) || tenant.id().equals(caller.tenantId()));
        if (!visible) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No tenant with this slug.");
        }
        return tenant;
    }

    private static Mono<JsonNode> jsonBody(ServerRequest request) {
        MediaType contentType = request.headers().contentType().orElse(null);
        if (contentType == null || !MediaType.APPLICATION_JSON.isCompatibleWith(contentType)) {
            return Mono.error(new ApiProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json."));
        }
        return org.springframework.core.io.buffer.DataBufferUtils.join(request.bodyToFlux(org.springframework.core.io.buffer.DataBuffer.class), MAX_BODY_BYTES)
                .onErrorMap(org.springframework.core.io.buffer.DataBufferLimitException.class,
                        error -> new ApiProblem(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds " + MAX_BODY_BYTES + " bytes."))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .map(bytes -> {
                    try {
                        JsonNode body = bytes.length == 0 ? null : JSON.readTree(bytes);
                        if (body == null || !body.isObject()) {
                            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body must be a JSON object.");
                        }
                        return body;
                    } catch (JsonProcessingException e) {
                        throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body is not valid JSON.");
                    } catch (java.io.IOException e) {
                        throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body could not be read.");
                    }
                });
    }

    private static String requiredText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' is required and must be a non-empty string.", field);
        }
        String text = value.asText().strip();
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' may have at most " + maxLength + " characters.", field);
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must not contain control characters.", field);
        }
        return text;
    }

    private static Set<Role> roles(JsonNode requested) {
        if (requested == null || requested.isNull()) {
            return Set.of(Role.DEVELOPER);
        }
        if (!requested.isArray() || requested.isEmpty()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'roles' must be a non-empty array of role names.", "roles");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (JsonNode role : requested) {
            try {
                roles.add(Role.fromCode(role.asText()));
            } catch (IllegalArgumentException e) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST,
                        "Unknown role; use platform-admin, tenant-admin, developer or auditor.", "roles");
            }
        }
        return roles;
    }

    private static Instant expiry(JsonNode requested) {
        if (requested == null || requested.isNull()) {
            return null;
        }
        try {
            Instant expiresAt = Instant.parse(requested.asText());
            if (!expiresAt.isAfter(Instant.now())) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'expires_at' must be in the future.", "expires_at");
            }
            return expiresAt;
        } catch (DateTimeParseException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'expires_at' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z.", "expires_at");
        }
    }

    private static Mono<ServerResponse> json(HttpStatus status, ObjectNode body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(body.toString());
    }
}
