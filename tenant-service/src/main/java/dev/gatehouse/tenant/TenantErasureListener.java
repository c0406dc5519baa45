package dev.gatehouse.tenant;

/**
 * Takes part in erasing a tenant (the GDPR erasure path): crypto shreds the tenant's keys, audit
 * redacts or seals its records, the identity provider removes its members. Called after the
 * tenant is suspended and before its rows are deleted; if a listener throws, the tenant stays
 * suspended and the deletion can be retried, so implementations must be idempotent.
 */
@FunctionalInterface
public interface TenantErasureListener {

    void eraseTenant(Tenant tenant);
}
