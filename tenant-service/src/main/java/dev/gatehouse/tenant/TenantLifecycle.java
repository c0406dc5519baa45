package dev.gatehouse.tenant;

import java.util.List;
import java.util.Optional;

/**
 * Creation, suspension and erasure of tenants, with the systems that must follow them: the
 * {@link TenantProvisioner}s on creation and the {@link TenantErasureListener}s on deletion.
 * Status changes are picked up by every gateway's caches at their next refresh.
 */
public final class TenantLifecycle {

    private final TenantDatabase database;
    private final List<TenantProvisioner> provisioners;
    private final List<TenantErasureListener> erasureListeners;

    public TenantLifecycle(TenantDatabase database, List<TenantProvisioner> provisioners, List<TenantErasureListener> erasureListeners) {
        this.database = database;
        this.provisioners = List.copyOf(provisioners);
        this.erasureListeners = List.copyOf(erasureListeners);
    }

    /** Creates and provisions a tenant; a failed provisioning removes the tenant again and rethrows. */
    public Tenant create(String slug, String displayName, TenantSettings settings) {
        Tenant tenant = database.tenants().create(slug, displayName, settings);
        try {
            provisioners.forEach(provisioner -> provisioner.provision(tenant));
        } catch (RuntimeException e) {
            database.tenants().delete(tenant.id());
            throw e;
        }
        return tenant;
    }

    public Optional<Tenant> suspend(Tenant tenant) {
        database.tenants().setStatus(tenant.id(), TenantStatus.SUSPENDED);
        return database.tenants().find(tenant.id());
    }

    public Optional<Tenant> resume(Tenant tenant) {
        database.tenants().setStatus(tenant.id(), TenantStatus.ACTIVE);
        return database.tenants().find(tenant.id());
    }

    /**
     * Erases a tenant: suspends it (so its credentials stop working everywhere at once), lets every
     * erasure listener remove what it holds, then deletes the tenant and, by cascade, its keys. A
     * listener failure leaves the tenant suspended and is rethrown; erasing again resumes the work.
     */
    public void erase(Tenant tenant) {
        database.tenants().setStatus(tenant.id(), TenantStatus.SUSPENDED);
        erasureListeners.forEach(listener -> listener.eraseTenant(tenant));
        database.tenants().delete(tenant.id());
    }
}
