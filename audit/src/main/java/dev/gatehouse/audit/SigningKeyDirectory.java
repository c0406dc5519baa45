package dev.gatehouse.audit;

import dev.gatehouse.crypto.signing.PublicKeySet;
import dev.gatehouse.crypto.signing.PublishedKey;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.util.List;

import javax.sql.DataSource;

/**
 * The checkpoint-signing keys of all replicas, kept in the database (schema migrated by
 * {@link AuditLog#migrate}): each replica publishes its key ring's public keys when it starts and
 * after a rotation, so that one list verifies every checkpoint whichever replica signed it.
 */
public final class SigningKeyDirectory {

    private final JdbcClient jdbc;

    public SigningKeyDirectory(DataSource migratedAuditSchema) {
        this.jdbc = JdbcClient.create(migratedAuditSchema);
    }

    public void publish(PublicKeySet keys) {
        for (PublishedKey key : keys.keys()) {
            jdbc.sql("""
                    INSERT INTO audit.signing_keys (key_id, pem, created_at) VALUES (:id, :pem, :created)
                    ON CONFLICT (key_id) DO UPDATE SET pem = EXCLUDED.pem
                    """)
                    .param("id", key.keyId()).param("pem", new PublicKeySet(List.of(key)).toPem())
                    .param("created", Timestamp.from(key.created()))
                    .update();
        }
    }

    public PublicKeySet published() {
        return PublicKeySet.parsePem(String.join("", jdbc.sql("SELECT pem FROM audit.signing_keys ORDER BY created_at, key_id")
                .query(String.class).list()));
    }
}
