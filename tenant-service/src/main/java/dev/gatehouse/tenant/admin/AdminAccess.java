package dev.gatehouse.tenant.admin;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.ApiKeySummary;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may do what in the tenant admin API. Callers (API keys or identity-provider tokens alike)
 * need tenant-admin or platform-admin; a tenant admin sees only their own tenant, and another
 * tenant's resources answer 404 exactly like missing ones, so that their existence does not leak.
 * Grants never exceed the grantor: nobody grants roles or scopes they do not hold themselves.
 */
public final class AdminAccess {

    /** Wider than the slugs tenants are created with, narrow enough that no path segment reaches the database unchecked. */
    private static final Pattern PLAUSIBLE_SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final BearerAuthenticator authenticator;
    private final TenantDatabase database;

    public AdminAccess(BearerAuthenticator authenticator, TenantDatabase database) {
        this.authenticator = authenticator;
        this.database = database;
    }

    /**
     * Any authenticated caller whose credential is not limited to model endpoints: a key with
     * {@code allowed_endpoints} is a data-plane key and never reaches the control plane.
     */
    public Mono<ApiKeyPrincipal> member(ServerRequest request) {
        return authenticator.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION)).map(principal -> {
            if (principal.scopes().endpoints() != null) {
                throw new ApiProblem(ProblemType.FORBIDDEN,
                        "This API key is limited to the endpoints " + principal.scopes().endpoints().stream().sorted().toList()
                                + " and cannot use the control-plane APIs.");
            }
            return principal;
        });
    }

    public Mono<ApiKeyPrincipal> administrator(ServerRequest request) {
        return member(request).map(principal -> {
            if (!principal.hasRole(Role.PLATFORM_ADMIN) && !principal.hasRole(Role.TENANT_ADMIN)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "The admin API needs the tenant-admin or platform-admin role.");
            }
            return principal;
        });
    }

    /** An administrator, or an auditor: for what may be read but not changed (usage, for one). */
    public Mono<ApiKeyPrincipal> administratorOrAuditor(ServerRequest request) {
        return member(request).map(principal -> {
            if (!principal.hasRole(Role.PLATFORM_ADMIN) && !principal.hasRole(Role.TENANT_ADMIN) && !principal.hasRole(Role.AUDITOR)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "This needs the tenant-admin, auditor or platform-admin role.");
            }
            return principal;
        });
    }

    public static void requirePlatformAdmin(ApiKeyPrincipal caller, String action) {
        if (!caller.hasRole(Role.PLATFORM_ADMIN)) {
            throw new ApiProblem(ProblemType.FORBIDDEN, action + " needs the platform-admin role.");
        }
    }

    /** Whether the text could be a tenant's slug; nothing else is looked up. */
    public static boolean isPlausibleSlug(String text) {
        return PLAUSIBLE_SLUG.matcher(text).matches();
    }

    /** The tenant named by the path, if the caller may manage it; 404 otherwise. Blocking: call off the event loop. */
    public Tenant manageableTenant(ApiKeyPrincipal caller, ServerRequest request) {
        return manageableTenant(caller, request.pathVariable("slug"));
    }

    /** The tenant with this slug, if the caller may manage it; 404 otherwise. Blocking: call off the event loop. */
    public Tenant manageableTenant(ApiKeyPrincipal caller, String slug) {
        Tenant tenant = isPlausibleSlug(slug) ? database.tenants().findBySlug(slug).orElse(null) : null;
        boolean visible = tenant != null && (caller.hasRole(Role.PLATFORM_ADMIN) || tenant.id().equals(caller.tenantId()));
        if (!visible) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No tenant with this slug.");
        }
        return tenant;
    }

    /** Nobody grants a role they do not hold, and only platform admins grant platform-admin. */
    public static void requireGrantable(ApiKeyPrincipal caller, Set<Role> roles, String field) {
        for (Role role : roles) {
            if (role == Role.PLATFORM_ADMIN && !caller.hasRole(Role.PLATFORM_ADMIN)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "Only platform admins can grant platform-admin.", field);
            }
            if (!canGrant(caller, role)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "You cannot grant the role '" + role.code() + "', which you do not hold.", field);
            }
        }
    }

    /**
     * The scopes of a key the caller creates: those requested, where an unset one is the caller's
     * own rather than unrestricted, so that a limited caller's keys are limited at least as much.
     */
    public static ApiKeyScopes grantableScopes(ApiKeyPrincipal caller, ApiKeyScopes requested) {
        ApiKeyScopes scopes = requested.inheritingUnsetFrom(caller.scopes());
        requireGrantableScopes(caller, scopes);
        return scopes;
    }

    /**
     * Nobody grants wider scopes than their own: a caller limited to some models (or endpoints)
     * grants only some of those. Unrestricted scopes, which identity-provider principals have,
     * limit nothing.
     */
    public static void requireGrantableScopes(ApiKeyPrincipal caller, ApiKeyScopes scopes) {
        requireWithin(caller.scopes().models(), scopes.models(), "models", "allowed_models");
        requireWithin(caller.scopes().endpoints(), scopes.endpoints(), "endpoints", "allowed_endpoints");
        requireRateWithin(caller.scopes().requestsPerMinute(), scopes.requestsPerMinute(), "requests_per_minute");
        requireRateWithin(caller.scopes().tokensPerMinute(), scopes.tokensPerMinute(), "tokens_per_minute");
    }

    /** A caller with a rate limit of its own grants keys at most as fast; unset ({@code null}) is the plan's, unlimited by the key. */
    private static void requireRateWithin(Long own, Long granted, String field) {
        if (own != null && (granted == null || granted > own)) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Your credential is limited to " + own + " per minute and cannot grant more; '"
                    + field + "' must be at most " + own + ".", field);
        }
    }

    /**
     * Rotating a key issues its roles and scopes anew, and revoking it can lock out someone more
     * powerful than the caller: both need a caller who could have granted the key.
     */
    public static void requireManageable(ApiKeyPrincipal caller, ApiKeySummary key) {
        boolean grantable = key.roles().stream().allMatch(role -> canGrant(caller, role))
                && !beyond(caller.scopes().models(), key.scopes().models())
                && !beyond(caller.scopes().endpoints(), key.scopes().endpoints());
        if (!grantable) {
            throw new ApiProblem(ProblemType.FORBIDDEN,
                    "You can rotate or revoke only keys you could grant yourself; this one has roles or scopes beyond yours.");
        }
    }

    private static boolean canGrant(ApiKeyPrincipal caller, Role role) {
        return caller.hasRole(Role.PLATFORM_ADMIN) || caller.hasRole(role);
    }

    private static void requireWithin(Set<String> own, Set<String> granted, String noun, String field) {
        if (beyond(own, granted)) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Your credential is limited to the " + noun + " " + own.stream().sorted().toList()
                    + " and cannot grant more; '" + field + "' must name only these.", field);
        }
    }

    /** Unset ({@code null}) is unrestricted: beyond any limit. */
    private static boolean beyond(Set<String> own, Set<String> granted) {
        return own != null && (granted == null || !own.containsAll(granted));
    }
}
