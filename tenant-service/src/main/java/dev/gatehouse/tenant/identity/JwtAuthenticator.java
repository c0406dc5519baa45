package dev.gatehouse.tenant.identity;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDirectory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates the identity provider's access tokens (signature against the realm's JWKS, issuer,
 * audience, expiry) and turns them into principals: the tenant from the {@value #TENANT_CLAIM}
 * claim or the single organization the subject belongs to, the roles from the realm roles. Fails
 * closed: a token that cannot be checked because the JWKS is unreachable is refused with 503.
 */
public final class JwtAuthenticator {

    /** The claim carrying the tenant slug; Gatehouse's machine clients get it from a hard-coded mapper. */
    public static final String TENANT_CLAIM = "gatehouse_tenant";
    /** Keycloak's organization membership claim: the aliases (Gatehouse: tenant slugs) of the subject's organizations. */
    public static final String ORGANIZATION_CLAIM = "organization";

    private final ReactiveJwtDecoder decoder;
    private final TenantDirectory tenants;

    public JwtAuthenticator(ReactiveJwtDecoder decoder, TenantDirectory tenants) {
        this.decoder = decoder;
        this.tenants = tenants;
    }

    /** A decoder for one issuer: signing keys from {@code jwksUri}, tokens must name {@code audience}. */
    public static JwtAuthenticator forIssuer(IdentityProviderSettings settings, TenantDirectory tenants) {
        return forIssuer(settings, tenants, Clock.systemUTC());
    }

    static JwtAuthenticator forIssuer(IdentityProviderSettings settings, TenantDirectory tenants, Clock clock) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(settings.jwksUri().toString()).build();
        JwtTimestampValidator lifetime = new JwtTimestampValidator();
        lifetime.setClock(clock);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                lifetime, new JwtIssuerValidator(settings.issuer()), audience(settings.audience())));
        return new JwtAuthenticator(decoder, tenants);
    }

    public Mono<ApiKeyPrincipal> authenticate(String token) {
        return decoder.decode(token)
                .onErrorMap(JwtAuthenticator::problemFor)
                .map(this::principalOf);
    }

    private ApiKeyPrincipal principalOf(Jwt jwt) {
        String slug = tenantSlug(jwt);
        Tenant tenant = tenants.findBySlug(slug).orElseThrow(() ->
                new ApiProblem(ProblemType.INVALID_ACCESS_TOKEN, "The access token names no known tenant."));
        if (!tenant.active()) {
            throw new ApiProblem(ProblemType.TENANT_SUSPENDED, "The tenant of this access token is suspended.");
        }
        return ApiKeyPrincipal.fromIdentityProvider(jwt.getSubject(), tenant.id(), roles(jwt));
    }

    private static String tenantSlug(Jwt jwt) {
        String claimed = jwt.getClaimAsString(TENANT_CLAIM);
        if (claimed != null && !claimed.isBlank()) {
            return claimed;
        }
        Object organizations = jwt.getClaims().get(ORGANIZATION_CLAIM);
        Collection<?> aliases = organizations instanceof Map<?, ?> map ? map.keySet()
                : organizations instanceof Collection<?> list ? list : List.of();
        if (aliases.size() != 1) {
            throw new ApiProblem(ProblemType.INVALID_ACCESS_TOKEN,
                    "The access token must name exactly one tenant (claim '" + TENANT_CLAIM + "' or one organization).");
        }
        return String.valueOf(aliases.iterator().next());
    }

    private static Set<Role> roles(Jwt jwt) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Map<String, Object> realmAccess = jwt.getClaimAsMap("realm_access");
        if (realmAccess != null && realmAccess.get("roles") instanceof Collection<?> codes) {
            for (Object code : codes) {
                for (Role role : Role.values()) {
                    if (role.code().equals(code)) {
                        roles.add(role);
                    }
                }
            }
        }
        return roles;
    }

    private static OAuth2TokenValidator<Jwt> audience(String expected) {
        OAuth2Error wrongAudience = new OAuth2Error("invalid_token", "The token is not meant for this audience.", null);
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(expected)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(wrongAudience);
    }

    private static ApiProblem problemFor(Throwable error) {
        if (error instanceof BadJwtException) {
            return new ApiProblem(ProblemType.INVALID_ACCESS_TOKEN,
                    "The access token is not valid: wrong signature, issuer or audience, or expired.");
        }
        // Anything else (signing keys unreachable, unreadable key set) means the token could not be checked: fail closed.
        return new ApiProblem(ProblemType.IDENTITY_PROVIDER_UNAVAILABLE,
                "The identity provider's signing keys cannot be fetched, so the access token cannot be checked. Retry shortly.");
    }
}
