package dev.gatehouse.standalone.portal;

import dev.gatehouse.tenant.Role;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Who is signed in to the portal: the API key they signed in with, or the access token Keycloak
 * issued them (distributed mode), which every page sends to the public APIs on their behalf (so
 * the APIs' own checks decide what they see), and what the pages need to lay out the navigation.
 * The credential lives only in the server's memory, in the session; the browser holds a random
 * session id.
 */
record PortalUser(String credential, String keyId, String tenantSlug, Set<Role> roles) {

    PortalUser {
        roles = Set.copyOf(roles);
    }

    boolean has(Role role) {
        return roles.contains(role);
    }

    boolean tenantAdmin() {
        return has(Role.TENANT_ADMIN) || has(Role.PLATFORM_ADMIN);
    }

    boolean auditor() {
        return tenantAdmin() || has(Role.AUDITOR);
    }

    boolean publisher() {
        return has(Role.PUBLISHER) || has(Role.PLATFORM_ADMIN);
    }

    boolean platformAdmin() {
        return has(Role.PLATFORM_ADMIN);
    }

    /** The roles forms offer: those the API lets this user grant (all, for platform admins). */
    List<String> grantableRoles() {
        return (platformAdmin() ? Arrays.stream(Role.values()) : roles.stream()).map(Role::code).sorted().toList();
    }

    String bearer() {
        return "Bearer " + credential;
    }

    @Override
    public String toString() {
        return "PortalUser[keyId=" + keyId + ", tenant=" + tenantSlug + ", roles=" + roles + "]";
    }
}
