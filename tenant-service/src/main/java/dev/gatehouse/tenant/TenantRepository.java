package dev.gatehouse.tenant;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Array;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Tenants in the tenant-service's own schema ({@code tenant}). */
public final class TenantRepository {

    private static final String COLUMNS = """
            id, slug, display_name, status, requests_per_minute, tokens_per_minute, monthly_budget,
            residency_regions, allowed_purposes, content_logging, retention_days""";

    private static final RowMapper<Tenant> TENANT = (row, index) -> new Tenant(
            row.getObject("id", UUID.class),
            row.getString("slug"),
            row.getString("display_name"),
            TenantStatus.fromCode(row.getString("status")),
            new TenantSettings(
                    new Plan(row.getInt("requests_per_minute"), row.getLong("tokens_per_minute"), row.getBigDecimal("monthly_budget")),
                    texts(row.getArray("residency_regions")),
                    texts(row.getArray("allowed_purposes")),
                    row.getBoolean("content_logging"),
                    row.getInt("retention_days")));

    private final JdbcClient jdbc;

    TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Tenant create(String slug, String displayName) {
        return create(slug, displayName, TenantSettings.DEFAULTS);
    }

    public Tenant create(String slug, String displayName, TenantSettings settings) {
        Tenant tenant = new Tenant(UUID.randomUUID(), slug, displayName, TenantStatus.ACTIVE, settings);
        bindSettings(jdbc.sql("""
                INSERT INTO tenant.tenants (id, slug, display_name, status, requests_per_minute, tokens_per_minute, monthly_budget,
                                            residency_regions, allowed_purposes, content_logging, retention_days)
                VALUES (:id, :slug, :name, :status, :rpm, :tpm, :budget,
                        string_to_array(:regions, ','), string_to_array(:purposes, ','), :logging, :retention)
                """), settings)
                .param("id", tenant.id())
                .param("slug", tenant.slug())
                .param("name", tenant.displayName())
                .param("status", tenant.status().code())
                .update();
        return tenant;
    }

    public Optional<Tenant> findBySlug(String slug) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tenant.tenants WHERE slug = :slug")
                .param("slug", slug)
                .query(TENANT)
                .optional();
    }

    public Optional<Tenant> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tenant.tenants WHERE id = :id")
                .param("id", id)
                .query(TENANT)
                .optional();
    }

    public List<Tenant> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tenant.tenants ORDER BY slug").query(TENANT).list();
    }

    /** Up to {@code limit} tenants ordered by slug, starting after {@code afterSlug} (null: from the first). */
    public List<Tenant> page(String afterSlug, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tenant.tenants WHERE slug > :after ORDER BY slug LIMIT :limit")
                .param("after", afterSlug == null ? "" : afterSlug)
                .param("limit", limit)
                .query(TENANT)
                .list();
    }

    /** Replaces the display name and settings; returns the tenant as stored, or empty when it is gone. */
    public Optional<Tenant> update(UUID id, String displayName, TenantSettings settings) {
        int updated = bindSettings(jdbc.sql("""
                UPDATE tenant.tenants SET display_name = :name, requests_per_minute = :rpm, tokens_per_minute = :tpm,
                       monthly_budget = :budget, residency_regions = string_to_array(:regions, ','),
                       allowed_purposes = string_to_array(:purposes, ','), content_logging = :logging,
                       retention_days = :retention, updated_at = clock_timestamp()
                WHERE id = :id
                """), settings)
                .param("name", displayName)
                .param("id", id)
                .update();
        return updated == 0 ? Optional.empty() : find(id);
    }

    public void setStatus(UUID id, TenantStatus status) {
        jdbc.sql("UPDATE tenant.tenants SET status = :status, updated_at = clock_timestamp() WHERE id = :id")
                .param("status", status.code())
                .param("id", id)
                .update();
    }

    /** Deletes the tenant; its keys go with it (ON DELETE CASCADE) and leave tombstones for the gateways. */
    public boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM tenant.tenants WHERE id = :id").param("id", id).update() == 1;
    }

    private static JdbcClient.StatementSpec bindSettings(JdbcClient.StatementSpec statement, TenantSettings settings) {
        return statement
                .param("rpm", settings.plan().requestsPerMinute())
                .param("tpm", settings.plan().tokensPerMinute())
                .param("budget", settings.plan().monthlyBudgetUsd())
                .param("regions", String.join(",", settings.residencyRegions().stream().sorted().toList()))
                .param("purposes", String.join(",", settings.allowedPurposes().stream().sorted().toList()))
                .param("logging", settings.contentLogging())
                .param("retention", settings.retentionDays());
    }

    static Set<String> texts(Array array) throws SQLException {
        return array == null ? null : Set.of((String[]) array.getArray());
    }
}
