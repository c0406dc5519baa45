package dev.gatehouse.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One real PostgreSQL server for a test class whose gateway processes share it, as replicas share a production database. */
final class SharedDatabaseServer implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        postgres.close();
    }

    /** The server's database, for a test to read what the marketplaces wrote. */
    javax.sql.DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** The arguments that point a marketplace at this server instead of its embedded one. */
    String[] marketplaceArguments(String... more) {
        String[] shared = {
                "--gatehouse.database.mode=external",
                "--gatehouse.database.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--gatehouse.database.username=postgres"};
        String[] all = java.util.Arrays.copyOf(shared, shared.length + more.length);
        System.arraycopy(more, 0, all, shared.length, more.length);
        return all;
    }
}
