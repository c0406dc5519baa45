package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.keycloak.IdentityProviderException;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import dev.gatehouse.tenant.keycloak.MachineClient;
import dev.gatehouse.tenant.keycloak.Member;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * People and machine clients of a tenant, kept in Keycloak (distributed mode only): tenant admins
 * add members and create OAuth2 client-credentials clients, with roles they hold themselves.
 */
final class MemberAdminHandler {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");
    private static final Pattern CLIENT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Set<String> MEMBER_FIELDS = Set.of("email", "roles");
    private static final Set<String> CLIENT_FIELDS = Set.of("name", "roles");

    private final KeycloakDirectory keycloak;
    private final AdminAccess access;

    MemberAdminHandler(KeycloakDirectory keycloak, AdminAccess access) {
        this.keycloak = keycloak;
        this.access = access;
    }

    RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/tenants/{slug}/members"), this::addMember)
                .andRoute(GET("/admin/v1/tenants/{slug}/members"), this::listMembers)
                .andRoute(POST("/admin/v1/tenants/{slug}/clients"), this::createClient);
    }

    private Mono<ServerResponse> addMember(ServerRequest request) {
        return access.administrator(request).flatMap(caller -> AdminRequests.jsonBody(request, MEMBER_FIELDS)
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    String email = AdminRequests.requiredText(body, "email", 254).toLowerCase(Locale.ROOT);
                    if (!EMAIL.matcher(email).matches()) {
                        throw new ApiProblem(ProblemType.INVALID_REQUEST, "'email' must be an email address.", "email");
                    }
                    Set<Role> roles = grantableRoles(caller, body);
                    return member(identityProvider(() -> keycloak.addMember(tenant, email, roles)));
                }))
                .flatMap(answer -> AdminRequests.json(HttpStatus.CREATED, answer));
    }

    private Mono<ServerResponse> listMembers(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            Tenant tenant = access.manageableTenant(caller, request);
            ObjectNode answer = AdminRequests.JSON.createObjectNode();
            ArrayNode data = answer.putArray("data");
            identityProvider(() -> keycloak.members(tenant)).stream().map(MemberAdminHandler::member).forEach(data::add);
            return answer;
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> createClient(ServerRequest request) {
        return access.administrator(request).flatMap(caller -> AdminRequests.jsonBody(request, CLIENT_FIELDS)
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    String name = AdminRequests.requiredText(body, "name", 40);
                    if (!CLIENT_NAME.matcher(name).matches()) {
                        throw new ApiProblem(ProblemType.INVALID_REQUEST,
                                "'name' must be 1-40 lowercase letters, digits or hyphens, starting with a letter or digit.", "name");
                    }
                    Set<Role> roles = grantableRoles(caller, body);
                    MachineClient client = identityProvider(() -> keycloak.createMachineClient(tenant, name, roles));
                    ObjectNode answer = AdminRequests.JSON.createObjectNode();
                    answer.put("client_id", client.clientId());
                    answer.put("client_secret", client.secret());
                    AdminRequests.putSorted(answer, "roles", client.roles().stream().map(Role::code).toList());
                    return answer;
                }))
                .flatMap(answer -> AdminRequests.json(HttpStatus.CREATED, answer));
    }

    /**
     * The requested roles, if the caller may grant them. Members and machine clients sign in through
     * the identity provider, whose principals have unrestricted scopes: so the caller must have them too.
     */
    private static Set<Role> grantableRoles(ApiKeyPrincipal caller, JsonNode body) {
        Set<Role> roles = AdminRequests.roles(body.get("roles"));
        AdminAccess.requireGrantable(caller, roles, "roles");
        AdminAccess.requireGrantableScopes(caller, ApiKeyScopes.UNRESTRICTED);
        return roles;
    }

    private static ObjectNode member(Member member) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("user_id", member.userId());
        node.put("email", member.email());
        AdminRequests.putSorted(node, "roles", member.roles().stream().map(Role::code).toList());
        return node;
    }

    private static <T> T identityProvider(Supplier<T> call) {
        try {
            return call.get();
        } catch (IdentityProviderException e) {
            if (IdentityProviderException.ALREADY_EXISTS.equals(e.code())) {
                throw new ApiProblem(ProblemType.CONFLICT, e.getMessage());
            }
            throw new ApiProblem(ProblemType.IDENTITY_PROVIDER_UNAVAILABLE, "The identity provider is unavailable; retry shortly.");
        }
    }
}
