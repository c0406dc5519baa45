package dev.gatehouse.tenant;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A newly created key. {@code token} is the only copy of the secret: it is never stored or shown again. */
public record IssuedApiKey(String keyId, UUID tenantId, String name, Set<Role> roles, ApiKeyScopes scopes, Instant expiresAt,
                           String token) {

    @Override
    public String toString() {
        return "IssuedApiKey[keyId=" + keyId + ", tenantId=" + tenantId + ", name=" + name + ", roles=" + roles
                + ", scopes=" + scopes + ", expiresAt=" + expiresAt + ", token=<redacted>]";
    }
}
