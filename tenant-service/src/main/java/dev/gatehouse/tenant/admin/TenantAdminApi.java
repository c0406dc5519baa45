package dev.gatehouse.tenant.admin;

import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.time.Clock;
import java.util.Optional;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The tenant administration API under {@code /admin/v1} (described by {@code openapi/tenant-admin.yaml},
 * served at {@value #OPENAPI_PATH}):
 * tenants, their API keys and, with Keycloak, their members and machine clients. Callers authenticate with an API key or an identity-provider token;
 * the role rules are in {@link AdminAccess}.
 */
public final class TenantAdminApi {

    /** Where the OpenAPI description of this API is served, without authentication. */
    public static final String OPENAPI_PATH = "/admin/v1/openapi.yaml";
    private static final MediaType OPENAPI_MEDIA_TYPE = MediaType.parseMediaType("application/yaml");

    private final TenantAdminHandler tenants;
    private final ApiKeyAdminHandler apiKeys;
    private final MemberAdminHandler members;

    /** {@code keycloak} is empty in the embedded mode: then there are no member and client endpoints. */
    public TenantAdminApi(TenantDatabase database, TenantDirectory directory, TenantLifecycle lifecycle,
                          ApiKeyAuthenticator apiKeyAuthenticator, BearerAuthenticator callers, Optional<KeycloakDirectory> keycloak,
                          Clock clock) {
        AdminAccess access = new AdminAccess(callers, database);
        this.tenants = new TenantAdminHandler(database, directory, lifecycle, access);
        this.apiKeys = new ApiKeyAdminHandler(database, apiKeyAuthenticator, access, clock);
        this.members = keycloak.map(directoryOfPeople -> new MemberAdminHandler(directoryOfPeople, access)).orElse(null);
    }

    public RouterFunction<ServerResponse> routes() {
        RouterFunction<ServerResponse> routes = tenants.routes().and(apiKeys.routes());
        if (members != null) {
            routes = routes.and(members.routes());
        }
        return AdminRequests.answering(OPENAPI_MEDIA_TYPE, route(GET(OPENAPI_PATH), request -> ServerResponse.ok()
                        .contentType(OPENAPI_MEDIA_TYPE).bodyValue(new ClassPathResource("openapi/tenant-admin.yaml"))))
                .and(AdminRequests.answering(MediaType.APPLICATION_JSON, AdminRequests.withAttributeProblems(routes)));
    }
}
