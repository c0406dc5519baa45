package dev.gatehouse.standalone;

import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default keeps its data in the data directory: a restarted marketplace knows its tenants, keys and audit log. */
class DataSurvivesRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void keysTenantsAndAuditLogSurviveARestart() throws Exception {
        IssuedApiKey key;
        try (ConfigurableApplicationContext first = RunningMarketplace.start(dataDir)) {
            key = TestKeys.developerKey(first, "restart-tests", null);
            assertThat(RunningMarketplace.chat(first, key.token(), "still here?").statusCode()).isEqualTo(200);
        }

        try (ConfigurableApplicationContext second = RunningMarketplace.start(dataDir)) {
            assertThat(RunningMarketplace.chat(second, key.token(), "still here?").statusCode()).isEqualTo(200);
            TenantDatabase tenants = second.getBean(TenantDatabase.class);
            assertThat(tenants.tenants().all()).extracting(tenant -> tenant.slug()).containsExactlyInAnyOrder("default", "restart-tests");
            AuditCheckpoints checkpoints = second.getBean(AuditCheckpoints.class);
            checkpoints.signGrownLogs();
            assertThat(checkpoints.findTampering()).isEmpty();
        }
    }
}
