package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyVerification;
import dev.gatehouse.tenant.Role;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Step 2: establishes who is calling from the API key in {@code Authorization: Bearer}. The
 * refusal says which of missing, invalid, revoked or expired applies (the key id is not secret),
 * but never whether an unknown key id exists.
 */
public final class AuthenticationFilter implements GlobalFilter, Ordered {

    private static final String BEARER = "Bearer ";

    private final ApiKeyAuthenticator authenticator;

    public AuthenticationFilter(ApiKeyAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public int getOrder() {
        return GatewayStep.AUTHENTICATION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return Mono.error(new ApiProblem(ProblemType.MISSING_CREDENTIALS,
                    "Send your API key as 'Authorization: Bearer <key>'."));
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Mono.error(new ApiProblem(ProblemType.MISSING_CREDENTIALS,
                    "Only Bearer credentials are accepted: 'Authorization: Bearer <key>'."));
        }
        ApiKeyVerification verification = authenticator.verify(authorization.substring(BEARER.length()).strip());
        if (verification instanceof ApiKeyVerification.Refused refused) {
            return Mono.error(problemFor(refused.reason()));
        }
        ApiKeyPrincipal principal = ((ApiKeyVerification.Accepted) verification).principal();
        if (!(principal.hasRole(Role.DEVELOPER) || principal.hasRole(Role.TENANT_ADMIN) || principal.hasRole(Role.PLATFORM_ADMIN))) {
            return Mono.error(new ApiProblem(ProblemType.FORBIDDEN, "This key may not call models; it needs the developer role."));
        }
        CallContext.of(exchange).principal(principal);
        return chain.filter(exchange);
    }

    private static ApiProblem problemFor(ApiKeyVerification.Reason reason) {
        return switch (reason) {
            case INVALID -> new ApiProblem(ProblemType.INVALID_API_KEY, "The API key is not valid.");
            case REVOKED -> new ApiProblem(ProblemType.REVOKED_API_KEY, "The API key has been revoked.");
            case EXPIRED -> new ApiProblem(ProblemType.EXPIRED_API_KEY, "The API key has expired.");
            case TENANT_SUSPENDED -> new ApiProblem(ProblemType.TENANT_SUSPENDED, "The tenant of this API key is suspended.");
        };
    }

    @Override
    public String toString() {
        return "Authentication[API key, Bearer]";
    }
}
