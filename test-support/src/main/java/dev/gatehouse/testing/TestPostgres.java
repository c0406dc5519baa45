package dev.gatehouse.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * One real PostgreSQL server per test JVM, started on first use; each caller gets a fresh,
 * empty database so that test classes never see each other's rows.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static synchronized DataSource freshDatabase() {
        EmbeddedPostgres postgres = server();
        String name = "test_" + DATABASE_COUNTER.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return postgres.getDatabase("postgres", name);
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = nonDurable(EmbeddedPostgres.builder()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stop));
        }
        return server;
    }

    /**
     * A server whose data is thrown away with the test JVM need not survive a crash of the machine:
     * without flushing every commit to disk, the suite's thousands of small transactions cost CPU, not
     * waits on the disk. A process that a test kills is never this server.
     */
    public static EmbeddedPostgres.Builder nonDurable(EmbeddedPostgres.Builder builder) {
        return builder.setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off");
    }

    private static synchronized void stop() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the server's temporary directory goes with it
        }
    }
}
