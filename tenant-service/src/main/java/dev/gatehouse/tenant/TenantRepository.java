package dev.gatehouse.tenant;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Tenants in the tenant-service's own schema ({@code tenant}). */
public final class TenantRepository {

    private static final RowMapper<Tenant> TENANT = (row, index) -> new Tenant(
            row.getObject("id", UUID.class),
            row.getString("slug"),
            row.getString("display_name"),
            TenantStatus.fromCode(row.getString("status")));

    private final JdbcClient jdbc;

    TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Tenant create(String slug, String displayName) {
        Tenant tenant = new Tenant(UUID.randomUUID(), slug, displayName, TenantStatus.ACTIVE);
        jdbc.sql("INSERT INTO tenant.tenants (id, slug, display_name, status) VALUES (:id, :slug, :name, :status)")
                .param("id", tenant.id())
                .param("slug", tenant.slug())
                .param("name", tenant.displayName())
                .param("status", tenant.status().code())
                .update();
        return tenant;
    }

    public Optional<Tenant> findBySlug(String slug) {
        return jdbc.sql("SELECT id, slug, display_name, status FROM tenant.tenants WHERE slug = :slug")
                .param("slug", slug)
                .query(TENANT)
                .optional();
    }

    public Optional<Tenant> find(UUID id) {
        return jdbc.sql("SELECT id, slug, display_name, status FROM tenant.tenants WHERE id = :id")
                .param("id", id)
                .query(TENANT)
                .optional();
    }

    public List<Tenant> all() {
        return jdbc.sql("SELECT id, slug, display_name, status FROM tenant.tenants ORDER BY slug").query(TENANT).list();
    }

    public void setStatus(UUID id, TenantStatus status) {
        jdbc.sql("UPDATE tenant.tenants SET status = :status, updated_at = clock_timestamp() WHERE id = :id")
                .param("status", status.code())
                .param("id", id)
                .update();
    }
}
