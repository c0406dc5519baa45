package dev.gatehouse.tenant;

import java.util.Objects;
import java.util.UUID;

/** An organisation that calls models through Gatehouse. */
public record Tenant(UUID id, String slug, String displayName, TenantStatus status, TenantSettings settings) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(settings, "settings");
    }

    public boolean active() {
        return status == TenantStatus.ACTIVE;
    }
}
