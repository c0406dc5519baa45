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
            instant(row.getTimestamp("created_at")),
            instant(row.getTimestamp("expires_at")),
            instant(row.getTimestamp("revoked_at")),
            instant(row.getTimestamp("last_used_at")));

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates a key; the returned token is the only copy of its secret. */
    public IssuedApiKey create(UUID tenantId, String name, Set<Role> roles, Instant expiresAt) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one role");
        }
        ApiKeyToken.Minted minted = ApiKeyToken.mint();
        jdbc.sql("""
                INSERT INTO tenant.api_keys (key_id, tenant_id, name, secret_sha256, roles, expires_at, updated_at)
                VALUES (:keyId, :tenantId, :name, :hash, string_to_array(:roles, ','), :expiresAt, clock_timestamp())
                """)
                .param("keyId", minted.keyId())
                .param("tenantId", tenantId)
                .param("name", name)
                .param("hash", ApiKeyToken.sha256(minted.token()))
                .param("roles", roles.stream().map(Role::code).sorted().collect(Collectors.joining(",")))
                .param("expiresAt", expiresAt == null ? null : Timestamp.from(expiresAt))
                .update();
        return new IssuedApiKey(minted.keyId(), tenantId, name, Set.copyOf(roles), expiresAt, minted.token());
    }

    public List<ApiKeySummary> listForTenant(UUID tenantId) {
        return jdbc.sql("""
                SELECT key_id, tenant_id, name, roles, created_at, expires_at, revoked_at, last_used_at
                FROM tenant.api_keys WHERE tenant_id = :tenantId ORDER BY created_at, key_id
                """)
                .param("tenantId", tenantId)
                .query(SUMMARY)
                .list();
    }

    public Optional<ApiKeySummary> find(String keyId) {
        return jdbc.sql("""
                SELECT key_id, tenant_id, name, roles, created_at, expires_at, revoked_at, last_used_at
                FROM tenant.api_keys WHERE key_id = :keyId
                """)
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
                SELECT k.key_id, k.tenant_id, k.secret_sha256, k.roles, k.expires_at, k.revoked_at, t.status,
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
                        instant(row.getTimestamp("expires_at")),
                        instant(row.getTimestamp("revoked_at")),
                        TenantStatus.fromCode(row.getString("status")),
                        instant(row.getTimestamp("changed_at"))))
                .list();
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

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
