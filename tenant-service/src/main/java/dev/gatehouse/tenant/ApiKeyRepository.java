package dev.gatehouse.tenant;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** API keys in the {@code tenant} schema. Only SHA-256 digests of tokens are stored. */
public final class ApiKeyRepository {

    private static final RowMapper<ApiKeySummary> SUMMARY = (row, index) -> new ApiKeySummary(
            row.getString("key_id"),
            row.getObject("tenant_id", UUID.class),
            row.getString("name"),
            roles(row.getArray("roles")),
            scopes(row),
            instant(row.getTimestamp("created_at")),
            instant(row.getTimestamp("expires_at")),
            instant(row.getTimestamp("revoked_at")),
            instant(row.getTimestamp("last_used_at")),
            row.getString("replaced_by"));
    private static final String SUMMARY_COLUMNS = """
            key_id, tenant_id, name, roles, allowed_models, allowed_endpoints, requests_per_minute, tokens_per_minute,
            created_at, expires_at, revoked_at, last_used_at, replaced_by""";

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates an unrestricted key; the returned token is the only copy of its secret. */
    public IssuedApiKey create(UUID tenantId, String name, Set<Role> roles, Instant expiresAt) {
        return create(tenantId, name, roles, ApiKeyScopes.UNRESTRICTED, expiresAt);
    }

    /** Creates a key limited to {@code scopes}; the returned token is the only copy of its secret. */
    public IssuedApiKey create(UUID tenantId, String name, Set<Role> roles, ApiKeyScopes scopes, Instant expiresAt) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one role");
        }
        ApiKeyToken.Minted minted = ApiKeyToken.mint();
        jdbc.sql("""
                INSERT INTO tenant.api_keys (key_id, tenant_id, name, secret_sha256, roles, allowed_models, allowed_endpoints,
                                             requests_per_minute, tokens_per_minute, expires_at, updated_at)
                VALUES (:keyId, :tenantId, :name, :hash, string_to_array(:roles, ','), string_to_array(:models, E'\\n'),
                        string_to_array(:endpoints, ','), :rpm, :tpm, :expiresAt, clock_timestamp())
                """)
                .param("keyId", minted.keyId())
                .param("tenantId", tenantId)
                .param("name", name)
                .param("hash", ApiKeyToken.sha256(minted.token()))
                .param("roles", roles.stream().map(Role::code).sorted().collect(Collectors.joining(",")))
                .param("models", joined(scopes.models(), "\n"))
                .param("endpoints", joined(scopes.endpoints(), ","))
                .param("rpm", scopes.requestsPerMinute())
                .param("tpm", scopes.tokensPerMinute())
                .param("expiresAt", expiresAt == null ? null : Timestamp.from(expiresAt))
                .update();
        return new IssuedApiKey(minted.keyId(), tenantId, name, Set.copyOf(roles), scopes, expiresAt, minted.token());
    }

    /**
     * Replaces a usable key by a new one with the same name, roles and scopes. The old key keeps
     * working until {@code oldKeyUntil} (or its own earlier expiry), so that deployments can switch
     * over; then it expires. Empty when the key is unknown, revoked, expired or already rotated.
     */
    public Optional<IssuedApiKey> rotate(String keyId, Instant oldKeyUntil, Instant newKeyExpiresAt) {
        ApiKeyToken.Minted minted = ApiKeyToken.mint();
        // One statement: the old key's row lock makes two concurrent rotations of it yield one new key.
        return jdbc.sql("""
                WITH old AS (
                    UPDATE tenant.api_keys
                    SET expires_at = least(coalesce(expires_at, :until), :until), replaced_by = :newKeyId,
                        updated_at = clock_timestamp()
                    WHERE key_id = :keyId AND revoked_at IS NULL AND replaced_by IS NULL
                      AND (expires_at IS NULL OR expires_at > clock_timestamp())
                    RETURNING tenant_id, name, roles, allowed_models, allowed_endpoints, requests_per_minute, tokens_per_minute)
                INSERT INTO tenant.api_keys (key_id, tenant_id, name, secret_sha256, roles, allowed_models, allowed_endpoints,
                                             requests_per_minute, tokens_per_minute, expires_at, updated_at)
                SELECT :newKeyId, tenant_id, name, :hash, roles, allowed_models, allowed_endpoints, requests_per_minute,
                       tokens_per_minute, :expiresAt, clock_timestamp()
                FROM old
                RETURNING key_id, tenant_id, name, roles, allowed_models, allowed_endpoints, requests_per_minute, tokens_per_minute,
                          expires_at
                """)
                .param("keyId", keyId)
                .param("newKeyId", minted.keyId())
                .param("until", Timestamp.from(oldKeyUntil))
                .param("hash", ApiKeyToken.sha256(minted.token()))
                .param("expiresAt", newKeyExpiresAt == null ? null : Timestamp.from(newKeyExpiresAt))
                .query((row, index) -> new IssuedApiKey(
                        row.getString("key_id"),
                        row.getObject("tenant_id", UUID.class),
                        row.getString("name"),
                        roles(row.getArray("roles")),
                        scopes(row),
                        instant(row.getTimestamp("expires_at")),
                        minted.token()))
                .optional();
    }

    public List<ApiKeySummary> listForTenant(UUID tenantId) {
        return jdbc.sql("""
                SELECT %s
                FROM tenant.api_keys WHERE tenant_id = :tenantId ORDER BY created_at, key_id
                """.formatted(SUMMARY_COLUMNS))
                .param("tenantId", tenantId)
                .query(SUMMARY)
                .list();
    }

    public Optional<ApiKeySummary> find(String keyId) {
        return jdbc.sql("""
                SELECT %s
                FROM tenant.api_keys WHERE key_id = :keyId
                """.formatted(SUMMARY_COLUMNS))
                .param("keyId", keyId)
                .query(SUMMARY)
                .optional();
    }

    /** Revokes a key; returns false when the key does not exist or was already revoked. */
    public boolean revoke(String keyId) {
        return jdbc.sql("""
                UPDATE tenant.api_keys SET revoked_at = clock_timestamp(), updated_at = clock_timestamp()
                WHERE key_id = :keyId AND revoked_at IS NULL
                """)
                .param("keyId", keyId)
                .update() == 1;
    }

    /**
     * Keys whose own row or whose tenant changed at or after {@code since}, joined with the
     * tenant's status: what an authenticator cache needs to stay current.
     */
    List<StoredApiKey> changedSince(Instant since) {
        return jdbc.sql("""
                SELECT k.key_id, k.tenant_id, k.secret_sha256, k.roles, k.allowed_models, k.allowed_endpoints,
                       k.requests_per_minute, k.tokens_per_minute, k.expires_at, k.revoked_at, t.status,
                       greatest(k.updated_at, t.updated_at) AS changed_at
                FROM tenant.api_keys k JOIN tenant.tenants t ON t.id = k.tenant_id
                WHERE k.updated_at >= :since OR t.updated_at >= :since
                """)
                .param("since", Timestamp.from(since))
                .query((row, index) -> new StoredApiKey(
                        row.getString("key_id"),
                        row.getObject("tenant_id", UUID.class),
                        row.getBytes("secret_sha256"),
                        roles(row.getArray("roles")),
                        scopes(row),
                        instant(row.getTimestamp("expires_at")),
                        instant(row.getTimestamp("revoked_at")),
                        TenantStatus.fromCode(row.getString("status")),
                        instant(row.getTimestamp("changed_at"))))
                .list();
    }

    /** Ids of keys deleted (with their tenant) at or after {@code since}. */
    List<Tombstone> deletedSince(Instant since) {
        return jdbc.sql("SELECT key_id, deleted_at FROM tenant.api_key_tombstones WHERE deleted_at >= :since")
                .param("since", Timestamp.from(since))
                .query((row, index) -> new Tombstone(row.getString("key_id"), instant(row.getTimestamp("deleted_at"))))
                .list();
    }

    record Tombstone(String keyId, Instant deletedAt) {
    }

    void recordLastUsed(Map<String, Instant> lastUsedByKey) {
        for (Map.Entry<String, Instant> entry : lastUsedByKey.entrySet()) {
            // last_used_at is bookkeeping, not a change the authenticator cache must see: updated_at stays.
            jdbc.sql("""
                    UPDATE tenant.api_keys SET last_used_at = greatest(coalesce(last_used_at, :at), :at)
                    WHERE key_id = :keyId
                    """)
                    .param("at", Timestamp.from(entry.getValue()))
                    .param("keyId", entry.getKey())
                    .update();
        }
    }

    private static Set<Role> roles(Array array) throws SQLException {
        String[] codes = (String[]) array.getArray();
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(codes).map(Role::fromCode).forEach(roles::add);
        return Set.copyOf(roles);
    }

    private static ApiKeyScopes scopes(java.sql.ResultSet row) throws SQLException {
        return new ApiKeyScopes(TenantRepository.texts(row.getArray("allowed_models")),
                TenantRepository.texts(row.getArray("allowed_endpoints")),
                row.getObject("requests_per_minute", Integer.class) == null ? null : row.getLong("requests_per_minute"),
                row.getObject("tokens_per_minute", Long.class));
    }

    private static String joined(Set<String> values, String separator) {
        return values == null ? null : values.stream().sorted().collect(Collectors.joining(separator));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
