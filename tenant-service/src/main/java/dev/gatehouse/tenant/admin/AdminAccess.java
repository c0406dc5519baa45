package dev.gatehouse.tenant.admin;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

import java.util.Set;

/**
 * Who may do what in the tenant admin API. Callers (API keys or identity-provider tokens alike)
 * need tenant-admin or platform-admin; a tenant admin sees only their own tenant, and another
 * tenant's resources answer 404 exactly like missing ones, so that their existence does not leak.
 */
public final class AdminAccess {

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

    public static void requirePlatformAdmin(ApiKeyPrincipal caller, String action) {
        if (!caller.hasRole(Role.PLATFORM_ADMIN)) {
            throw new ApiProblem(ProblemType.FORBIDDEN, action + " needs the platform-admin role.");
        }
    }

    /** The tenant named by the path, if the caller may manage it; 404 otherwise. Blocking: call off the event loop. */
    public Tenant manageableTenant(ApiKeyPrincipal caller, ServerRequest request) {
        return manageableTenant(caller, request.pathVariable("slug"));
    }

    /** The tenant with this slug, if the caller may manage it; 404 otherwise. Blocking: call off the event loop. */
    public Tenant manageableTenant(ApiKeyPrincipal caller, String slug) {
        Tenant tenant = database.tenants().findBySlug(slug).orElse(null);
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
            if (!caller.hasRole(role) && !caller.hasRole(Role.PLATFORM_ADMIN)) {
                throw new ApiProblem(ProblemType.FORBIDDEN, "You cannot grant the role '" + role.code() + "', which you do not hold.", field);
            }
        }
    }
}
