package dev.gatehouse.tenant.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

/**
 * Tenants' compliance profiles: stored in the {@code tenant} schema (migrated with it by
 * {@link dev.gatehouse.tenant.TenantDatabase}) and answered from memory on the request path;
 * {@link #refresh()} reloads them.
 */
public final class ComplianceProfiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final RowMapper<Map.Entry<UUID, ComplianceProfile>> ROW = (row, index) -> Map.entry(
            row.getObject("tenant_id", UUID.class),
            new ComplianceProfile(
                    row.getString("default_purpose"),
                    parse(row.getString("transfer_bases")),
                    parse(row.getString("special_category_bases")),
                    row.getString("transfer_choice"),
                    row.getDouble("injection_threshold"),
                    row.getString("injection_action"),
                    row.getBoolean("scan_responses"),
                    row.getBoolean("require_content_log")));

    private final JdbcClient jdbc;
    private volatile Map<UUID, ComplianceProfile> byTenant = Map.of();

    public ComplianceProfiles(DataSource migratedTenantSchema) {
        this.jdbc = JdbcClient.create(migratedTenantSchema);
        refresh();
    }

    /** Serialised: a scheduled refresh that read before a save must not publish after the save's own refresh. */
    public synchronized void refresh() {
        byTenant = jdbc.sql("""
                SELECT tenant_id, default_purpose, transfer_bases::text AS transfer_bases,
                       special_category_bases::text AS special_category_bases, transfer_choice,
                       injection_threshold, injection_action, scan_responses, require_content_log
                FROM tenant.compliance_profiles
                """)
                .query(ROW)
                .list()
                .stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The tenant's profile from memory; the defaults when it has recorded none. */
    public ComplianceProfile of(UUID tenantId) {
        return byTenant.getOrDefault(tenantId, ComplianceProfile.DEFAULTS);
    }

    public void save(UUID tenantId, ComplianceProfile profile) {
        jdbc.sql("""
                INSERT INTO tenant.compliance_profiles (tenant_id, default_purpose, transfer_bases, special_category_bases,
                    transfer_choice, injection_threshold, injection_action, scan_responses, require_content_log, updated_at)
                VALUES (:tenantId, :defaultPurpose, CAST(:transferBases AS jsonb), CAST(:specialCategoryBases AS jsonb),
                    :transferChoice, :injectionThreshold, :injectionAction, :scanResponses, :requireContentLog, clock_timestamp())
                ON CONFLICT (tenant_id) DO UPDATE SET default_purpose = EXCLUDED.default_purpose,
                    transfer_bases = EXCLUDED.transfer_bases, special_category_bases = EXCLUDED.special_category_bases,
                    transfer_choice = EXCLUDED.transfer_choice, injection_threshold = EXCLUDED.injection_threshold,
                    injection_action = EXCLUDED.injection_action, scan_responses = EXCLUDED.scan_responses,
                    require_content_log = EXCLUDED.require_content_log,
                    updated_at = EXCLUDED.updated_at
                """)
                .param("tenantId", tenantId)
                .param("defaultPurpose", profile.defaultPurpose())
                .param("transferBases", write(profile.transferBases()))
                .param("specialCategoryBases", write(profile.specialCategoryBases()))
                .param("transferChoice", profile.transferChoice())
                .param("injectionThreshold", profile.injectionThreshold())
                .param("injectionAction", profile.injectionAction())
                .param("scanResponses", profile.scanResponses())
                .param("requireContentLog", profile.requireContentLog())
                .update();
        refresh();
    }

    private static Map<String, String> parse(String json) {
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("compliance_profiles holds JSON objects of strings", e);
        }
    }

    private static String write(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }
}
