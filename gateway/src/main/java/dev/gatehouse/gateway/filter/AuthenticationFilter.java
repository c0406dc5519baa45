package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Step 2: establishes who is calling from {@code Authorization: Bearer} (an API key, or an
 * identity-provider access token when one is configured), checks that the caller may call models,
 * and that a scoped key may use this endpoint (a resource's collection path admits the resource too). The model scope is checked once the model is
 * known, by ModelResolution, through {@code principal().scopes().allowsModel(id)}. The refusal says
 * which of missing, invalid, revoked or expired applies, but never whether an unknown key id exists.
 */
public final class AuthenticationFilter implements GlobalFilter, Ordered {

    private final BearerAuthenticator authenticator;

    public AuthenticationFilter(BearerAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public int getOrder() {
        return GatewayStep.AUTHENTICATION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return authenticator.authenticate(authorization).flatMap(principal -> {
            if (!mayCallModels(principal)) {
                return Mono.error(new ApiProblem(ProblemType.FORBIDDEN, "This credential may not call models; it needs the developer role."));
            }
            CallContext context = CallContext.of(exchange);
            if (!principal.scopes().allowsEndpoint(context.endpoint().scopePath())) {
                return Mono.error(new ApiProblem(ProblemType.FORBIDDEN, "This API key is not allowed to use this endpoint."));
            }
            context.principal(principal);
            return chain.filter(exchange);
        });
    }

    private static boolean mayCallModels(ApiKeyPrincipal principal) {
        return principal.hasRole(Role.DEVELOPER) || principal.hasRole(Role.TENANT_ADMIN) || principal.hasRole(Role.PLATFORM_ADMIN);
    }

    @Override
    public String toString() {
        return "Authentication[Bearer: API key or access token; endpoint scopes]";
    }
}
