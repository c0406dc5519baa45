package dev.gatehouse.standalone;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Binds a database that several processes can reach to the one local key store that holds its
 * tenant keys. A local key store lives in one process's data directory: a second process with a
 * key store of its own would create tenant keys the first never sees, so content encrypted by one
 * could not be read by the other and would be discarded. The first process on the database binds
 * it to its key store; a process whose key store is another one is refused at start
 * ({@link KeyStoreConflictException}). Replicas share tenant keys through Vault Transit.
 */
final class KeyStoreBinding {

    private static final String ID_FILE = "key-store-id";

    private KeyStoreBinding() {
    }

    /** Binds the database to the key store in {@code keyDirectory} unless it is bound to another. */
    static void bind(DataSource dataSource, Path keyDirectory, Clock clock) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("deployment")
                .locations("classpath:db/deployment")
                .load()
                .migrate();
        String keyStoreId = keyStoreId(keyDirectory);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("""
                        INSERT INTO deployment.local_key_store (key_store_id, key_store, bound_at)
                        VALUES (:id, :location, :now) ON CONFLICT (singleton) DO NOTHING""")
                .param("id", keyStoreId)
                .param("location", keyDirectory.toAbsolutePath().toString())
                .param("now", java.sql.Timestamp.from(clock.instant()))
                .update();
        Bound bound = jdbc.sql("SELECT key_store_id, key_store, bound_at FROM deployment.local_key_store")
                .query((row, n) -> new Bound(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant()))
                .single();
        if (!bound.keyStoreId().equals(keyStoreId)) {
            throw new KeyStoreConflictException(keyDirectory.toAbsolutePath(), bound.keyStore(), bound.boundAt());
        }
    }

    private record Bound(String keyStoreId, String keyStore, Instant boundAt) {
    }

    /** The key store's identity, made once with it: a copied or moved key directory keeps it. */
    private static String keyStoreId(Path keyDirectory) {
        Path file = keyDirectory.resolve(ID_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(keyDirectory);
                Files.writeString(file, UUID.randomUUID().toString());
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key store's identity " + file, e);
        }
    }

    /** This process's local key store is not the one the database's tenant keys are in. */
    static final class KeyStoreConflictException extends RuntimeException {

        KeyStoreConflictException(Path mine, String bound, Instant boundAt) {
            super("the database's tenant keys are in the local key store at " + bound + " (bound " + boundAt
                    + "), not in this process's, at " + mine);
        }
    }
}
