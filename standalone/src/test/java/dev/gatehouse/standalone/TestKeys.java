package dev.gatehouse.standalone;

import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;

import java.time.Instant;
import java.util.Set;

/** Mints keys for tests straight through the tenant-service API, visible to the gateway at once. */
final class TestKeys {

    private TestKeys() {
    }

    static IssuedApiKey developerKey(TenantDatabase database, ApiKeyAuthenticator authenticator, TenantDirectory directory,
                                     String tenantSlug, Instant expiresAt) {
        Tenant tenant = database.tenants().findBySlug(tenantSlug)
                .orElseGet(() -> database.tenants().create(tenantSlug, "Tenant " + tenantSlug));
        IssuedApiKey key = database.apiKeys().create(tenant.id(), "test key", Set.of(Role.DEVELOPER), expiresAt);
        directory.refresh();
        authenticator.refresh();
        return key;
    }
}
