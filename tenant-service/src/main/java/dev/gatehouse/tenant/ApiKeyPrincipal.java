package dev.gatehouse.tenant;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: an API key (its id in {@code keyId}), or a person or machine client
 * authenticated by the identity provider ({@code keyId} is then {@code oidc:<subject>}, and the
 * scopes are unrestricted: roles alone decide). Tenant, roles and scopes are what every later step
 * needs; the credential itself is never kept.
 */
public record ApiKeyPrincipal(String keyId, UUID tenantId, Set<Role> roles, ApiKeyScopes scopes) {

    static final String IDENTITY_PROVIDER_PREFIX = "oidc:";

    public ApiKeyPrincipal {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(tenantId, "tenantId");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(scopes, "scopes");
    }

    /** A principal established by an identity-provider token rather than an API key. */
    public static ApiKeyPrincipal fromIdentityProvider(String subject, UUID tenantId, Set<Role> roles) {
        return new ApiKeyPrincipal(IDENTITY_PROVIDER_PREFIX + subject, tenantId, roles, ApiKeyScopes.UNRESTRICTED);
    }

    public boolean hasRole(Role role) {
        return roles.contains(role);
    }

    public boolean viaIdentityProvider() {
        return keyId.startsWith(IDENTITY_PROVIDER_PREFIX);
    }
}
