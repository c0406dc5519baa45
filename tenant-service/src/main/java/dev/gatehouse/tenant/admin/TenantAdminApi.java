package dev.gatehouse.tenant.admin;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.InvalidAttributeException;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * The tenant administration API under {@code /admin/v1} (described in {@code openapi/tenant-admin.yaml}):
 * tenants and their API keys. Callers authenticate with an API key or an identity-provider token;
 * the role rules are in {@link AdminAccess}.
 */
public final class TenantAdminApi {

    private final TenantAdminHandler tenants;
    private final ApiKeyAdminHandler apiKeys;

    public TenantAdminApi(TenantDatabase database, TenantDirectory directory, TenantLifecycle lifecycle,
                          ApiKeyAuthenticator apiKeyAuthenticator, BearerAuthenticator callers, Clock clock) {
        AdminAccess access = new AdminAccess(callers, database);
        this.tenants = new TenantAdminHandler(database, directory, lifecycle, access);
        this.apiKeys = new ApiKeyAdminHandler(database, apiKeyAuthenticator, access, clock);
    }

    public RouterFunction<ServerResponse> routes() {
        return tenants.routes().and(apiKeys.routes()).filter((request, next) -> Mono.defer(() -> next.handle(request))
                .onErrorMap(InvalidAttributeException.class,
                        invalid -> new ApiProblem(ProblemType.INVALID_REQUEST, invalid.getMessage(), invalid.attribute())));
    }
}
