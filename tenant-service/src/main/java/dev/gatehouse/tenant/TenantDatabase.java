package dev.gatehouse.tenant;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;

/** The tenant-service's schema ({@code tenant}): tenants and their API keys. */
public final class TenantDatabase {

    private final TenantRepository tenants;
    private final ApiKeyRepository apiKeys;

    private TenantDatabase(JdbcClient jdbc) {
        this.tenants = new TenantRepository(jdbc);
        this.apiKeys = new ApiKeyRepository(jdbc);
    }

    /** Migrates the schema to the newest version and opens the repositories over it. */
    public static TenantDatabase migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("tenant")
                .locations("classpath:db/tenant")
                .load()
                .migrate();
        return new TenantDatabase(JdbcClient.create(dataSource));
    }

    public TenantRepository tenants() {
        return tenants;
    }

    public ApiKeyRepository apiKeys() {
        return apiKeys;
    }
}
