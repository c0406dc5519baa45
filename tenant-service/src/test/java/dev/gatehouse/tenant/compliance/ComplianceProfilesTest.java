package dev.gatehouse.tenant.compliance;

import dev.gatehouse.tenant.InvalidAttributeException;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComplianceProfilesTest {

    @Test
    void tenantWithoutProfileGetsPrivacyPreservingDefaults() {
        DataSource dataSource = TestPostgres.freshDatabase();
        TenantDatabase.migrate(dataSource);

        ComplianceProfile profile = new ComplianceProfiles(dataSource).of(UUID.randomUUID());

        assertThat(profile.transferChoice()).isEqualTo("refuse");
        assertThat(profile.injectionAction()).isEqualTo("flag");
        assertThat(profile.transferBases()).isEmpty();
    }

    @Test
    void savedProfileIsServedFromMemory() {
        DataSource dataSource = TestPostgres.freshDatabase();
        Tenant acme = TenantDatabase.migrate(dataSource).tenants().create("acme", "Acme");
        ComplianceProfiles profiles = new ComplianceProfiles(dataSource);
        ComplianceProfile recorded = new ComplianceProfile("customer_support", Map.of("us-east", "scc"),
                Map.of("health", "explicit_consent"), "redact", 0.7, "flag", true, true);

        profiles.save(acme.id(), recorded);

        assertThat(new ComplianceProfiles(dataSource).of(acme.id())).isEqualTo(recorded);
    }

    @Test
    void refusesUnknownTransferMechanismAndActions() {
        assertThatThrownBy(() -> new ComplianceProfile(null, Map.of("us-east", "handshake"), Map.of(), "refuse", 0.5, "block", false, false))
                .isInstanceOf(InvalidAttributeException.class);
        assertThatThrownBy(() -> new ComplianceProfile(null, Map.of(), Map.of(), "ignore", 0.5, "block", false, false))
                .isInstanceOf(InvalidAttributeException.class);
        assertThatThrownBy(() -> new ComplianceProfile(null, Map.of(), Map.of(), "refuse", 1.5, "block", false, false))
                .isInstanceOf(InvalidAttributeException.class);
        assertThatThrownBy(() -> new ComplianceProfile(null, Map.of(), Map.of(), "refuse", 0, "block", false, false))
                .isInstanceOf(InvalidAttributeException.class);
        assertThatThrownBy(() -> new ComplianceProfile(null, Map.of(), Map.of(), "refuse", Double.NaN, "block", false, false))
                .isInstanceOf(InvalidAttributeException.class);
        assertThatThrownBy(() -> new ComplianceProfile(null, Map.of(), Map.of(), "refuse", 0.5, "shrug", false, false))
                .isInstanceOf(InvalidAttributeException.class);
    }
}
