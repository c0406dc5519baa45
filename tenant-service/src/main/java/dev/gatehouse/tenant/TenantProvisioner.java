package dev.gatehouse.tenant;

/**
 * Sets a new tenant up in a system outside the tenant schema, e.g. the identity provider. Called
 * after the tenant row exists; if it throws, the tenant is removed again, so implementations must
 * leave nothing behind on failure or tolerate a later retry with the same slug.
 */
@FunctionalInterface
public interface TenantProvisioner {

    void provision(Tenant tenant);
}
