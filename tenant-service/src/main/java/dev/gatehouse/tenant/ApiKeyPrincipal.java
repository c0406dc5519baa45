package dev.gatehouse.tenant;

import java.util.Set;
import java.util.UUID;

/** Who is calling, as established by a verified API key. */
public record ApiKeyPrincipal(String keyId, UUID tenantId, Set<Role> roles) {

    public boolean hasRole(Role role) {
        return roles.contains(role);
    }
}
