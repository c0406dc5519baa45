package dev.gatehouse.standalone;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default keeps its data in the data directory: a restarted marketplace knows its tenants, keys and audit log. */
class DataSurvivesRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void keysTenantsAndAuditLogSurviveARestart() throws Exception {
        IssuedApiKey key;
        try (ConfigurableApplicationContext first = start()) {
            key = TestKeys.developerKey(first, "restart-tests", null);
            assertThat(chat(first, key.token())).isEqualTo(200);
        }

        try (ConfigurableApplicationContext second = start()) {
            assertThat(chat(second, key.token())).isEqualTo(200);
            TenantDatabase tenants = second.getBean(TenantDatabase.class);
            assertThat(tenants.tenants().all()).extracting(tenant -> tenant.slug()).containsExactlyInAnyOrder("default", "restart-tests");
            assertThat(second.getBean(AuditLog.class).findBrokenLinks()).isEmpty();
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(GatehouseApplication.class).run(
                "--server.port=0",
                "--gatehouse.data-dir=" + dataDir,
                "--gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms",
                "--gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms");
    }

    private static int chat(ConfigurableApplicationContext context, String token) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"still here?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}
