package dev.gatehouse.tenant.keycloak;

import dev.gatehouse.tenant.Role;

import java.util.Set;

/** A person in a tenant: their Keycloak user id, email and Gatehouse roles. */
public record Member(String userId, String email, Set<Role> roles) {
}
