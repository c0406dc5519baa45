package dev.gatehouse.standalone;

import dev.gatehouse.crypto.kms.OpenBaoServer;
import dev.gatehouse.testing.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL server for a test class whose gateway processes share it, as replicas share a
 * production database, and one real Vault Transit (OpenBao) for their tenant keys, which replicas
 * must share too (a database is bound to one local key store: KeyStoreBinding).
 */
final class SharedDatabaseServer implements BeforeAllCallback, AfterAllCallback {

    private final OpenBaoServer vault = new OpenBaoServer();
    private EmbeddedPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = TestPostgres.nonDurable(EmbeddedPostgres.builder()).start();
        vault.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        vault.afterAll(context);
        postgres.close();
    }

    /** The server's database, for a test to read what the marketplaces wrote. */
    javax.sql.DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** The arguments that point a marketplace at this server instead of its embedded one, and at the shared Vault. */
    String[] marketplaceArguments(String... more) {
        return with(new String[] {
                "--gatehouse.crypto.vault.url=" + vault.address(),
                "--gatehouse.crypto.vault.token=" + vault.rootToken(),
                "--gatehouse.crypto.vault.ca-certificate=" + vault.caCertificate(),
                // a process starting on a loaded machine may wait for its first key longer than production's 2 s
                "--gatehouse.crypto.vault.timeout=15s"}, databaseArguments(more));
    }

    /** Only the database: tenant keys stay in each process's local key store. */
    String[] databaseArguments(String... more) {
        String[] shared = {
                "--gatehouse.database.mode=external",
                "--gatehouse.database.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--gatehouse.database.username=postgres"};
        return with(shared, more);
    }

    private static String[] with(String[] first, String[] more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
