package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Responses kept for {@code GET /v1/responses/{id}} and {@code previous_response_id}, in the
 * gateway's own schema ({@code responses}): the response object as the caller received it and the
 * conversation it ends (every input item of the turns so far and their output items), each
 * encrypted with the tenant's key and bound to the response id, as the content log is. Every read
 * and delete names the tenant, so another tenant's id is not found; a response past its expiry is
 * not found either, and is deleted with the next one its tenant stores (decision 0821).
 */
public final class StoredResponses {

    static final String RESPONSE_PURPOSE = "stored-response/response";
    static final String CONVERSATION_PURPOSE = "stored-response/conversation";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;
    private final TenantCipher cipher;
    private final Clock clock;

    private StoredResponses(DataSource dataSource, TenantCipher cipher, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.cipher = cipher;
        this.clock = clock;
    }

    public static StoredResponses migrate(DataSource dataSource, TenantCipher cipher, Clock clock) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("responses")
                .locations("classpath:db/responses")
                .load()
                .migrate();
        return new StoredResponses(dataSource, cipher, clock);
    }

    /** A stored response: the object {@code GET} answers, and the conversation a next turn continues. */
    public record StoredResponse(String id, ObjectNode response, ArrayNode conversation) {
    }

    /** Keeps a response until {@code expiresAt}; throws {@link dev.gatehouse.crypto.CryptoException} when it cannot be sealed. */
    public void store(UUID tenantId, String callId, StoredResponse stored, Instant expiresAt) {
        TenantId tenant = TenantId.of(tenantId.toString());
        byte[] response = cipher.encrypt(tenant, bytes(stored.response()), EncryptionContext.of(stored.id(), RESPONSE_PURPOSE));
        byte[] conversation = cipher.encrypt(tenant, bytes(stored.conversation()), EncryptionContext.of(stored.id(), CONVERSATION_PURPOSE));
        Instant now = clock.instant();
        jdbc.sql("DELETE FROM responses.stored_responses WHERE tenant_id = :tenant AND expires_at <= :now")
                .param("tenant", tenantId).param("now", Timestamp.from(now)).update();
        jdbc.sql("""
                INSERT INTO responses.stored_responses (tenant_id, id, call_id, created_at, expires_at, response_sealed, conversation_sealed)
                VALUES (:tenant, :id, :callId, :createdAt, :expiresAt, :response, :conversation)
                ON CONFLICT (tenant_id, id) DO NOTHING""")
                .param("tenant", tenantId).param("id", stored.id()).param("callId", callId)
                .param("createdAt", Timestamp.from(now)).param("expiresAt", Timestamp.from(expiresAt))
                .param("response", response).param("conversation", conversation)
                .update();
    }

    /** The tenant's response of this id, unless it expired; empty for any other tenant's. */
    public Optional<StoredResponse> find(UUID tenantId, String id) {
        return jdbc.sql("""
                        SELECT response_sealed, conversation_sealed FROM responses.stored_responses
                        WHERE tenant_id = :tenant AND id = :id AND expires_at > :now""")
                .param("tenant", tenantId).param("id", id).param("now", Timestamp.from(clock.instant()))
                .query((row, index) -> {
                    TenantId tenant = TenantId.of(tenantId.toString());
                    byte[] response = cipher.decrypt(tenant, row.getBytes("response_sealed"), EncryptionContext.of(id, RESPONSE_PURPOSE));
                    byte[] conversation = cipher.decrypt(tenant, row.getBytes("conversation_sealed"),
                            EncryptionContext.of(id, CONVERSATION_PURPOSE));
                    return new StoredResponse(id, (ObjectNode) tree(response), (ArrayNode) tree(conversation));
                })
                .optional();
    }

    /** Deletes the tenant's response of this id; false when it has none (another tenant's included). */
    public boolean delete(UUID tenantId, String id) {
        return jdbc.sql("DELETE FROM responses.stored_responses WHERE tenant_id = :tenant AND id = :id AND expires_at > :now")
                .param("tenant", tenantId).param("id", id).param("now", Timestamp.from(clock.instant())).update() > 0;
    }

    /** Deletes every response of an erased tenant. */
    public void eraseTenant(UUID tenantId) {
        jdbc.sql("DELETE FROM responses.stored_responses WHERE tenant_id = :tenant").param("tenant", tenantId).update();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
