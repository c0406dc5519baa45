package dev.gatehouse.tenant.keycloak;

import dev.gatehouse.tenant.Role;

import java.util.Set;

/**
 * An OAuth2 client-credentials client of a tenant. {@code secret} is set only in the answer to its
 * creation; Gatehouse keeps no copy.
 */
public record MachineClient(String clientId, Set<Role> roles, String secret) {

    @Override
    public String toString() {
        return "MachineClient[clientId=" + clientId + ", roles=" + roles + ", secret=<redacted>]";
    }
}
