package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Step 3: attaches the caller's tenant and its compliance profile, from memory, and refuses calls
 * of tenants that are not active.
 */
public final class TenantContextFilter implements GlobalFilter, Ordered {

    private final TenantDirectory tenants;
    private final ComplianceProfiles profiles;

    public TenantContextFilter(TenantDirectory tenants, ComplianceProfiles profiles) {
        this.tenants = tenants;
        this.profiles = profiles;
    }

    @Override
    public int getOrder() {
        return GatewayStep.TENANT_CONTEXT.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        Tenant tenant = tenants.find(context.principal().tenantId())
                .orElseThrow(() -> new ApiProblem(ProblemType.INVALID_API_KEY, "The API key is not valid."));
        if (!tenant.active()) {
            return Mono.error(new ApiProblem(ProblemType.TENANT_SUSPENDED, "The tenant of this API key is suspended."));
        }
        context.tenant(tenant);
        context.complianceProfile(profiles.of(tenant.id()));
        return chain.filter(exchange);
    }

    @Override
    public String toString() {
        return "TenantContext";
    }
}
