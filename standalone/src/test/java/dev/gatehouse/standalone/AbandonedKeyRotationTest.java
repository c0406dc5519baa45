package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.gateway.content.ContentSealer;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A key rotation whose client gives up before the answer: the server finishes it anyway (every
 * record rewrapped, none left unreadable, no keystore failure), and the next rotation moves every
 * record to the newest key version.
 */
class AbandonedKeyRotationTest {

    private static final int RECORDS = 3000;
    /** Well inside the rotation: writing the keystore alone takes longer. */
    private static final Duration IMPATIENT_CLIENT = Duration.ofMillis(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void rotationTheClientGaveUpOnCompletesAndTheNextMovesEveryRecordToTheNewestVersion() throws Exception {
        try (ConfigurableApplicationContext app = RunningMarketplace.start(workDir.resolve("data"))) {
            Tenant tenant = app.getBean(TenantLifecycle.class).create("archive", "Archive",
                    new TenantSettings(Plan.DEFAULT, Set.of("eu-central"), Set.of("general"), true, 30));
            sealContent(app, tenant.id());
            IssuedApiKey admin = app.getBean(TenantDatabase.class).apiKeys().create(tenant.id(), "admin", Set.of(Role.TENANT_ADMIN), null);
            app.getBean(ApiKeyAuthenticator.class).refresh();

            assertThatThrownBy(() -> rotate(app, admin, IMPATIENT_CLIENT)).isInstanceOf(HttpTimeoutException.class);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(keyVersions(app)).as("the server finished the rotation").containsOnly(2));
            assertEveryRecordOpens(app, tenant.id());

            HttpResponse<String> second = rotate(app, admin, Duration.ofSeconds(60));
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            JsonNode result = JSON.readTree(second.body());
            assertThat(result.get("key_version").asInt()).isEqualTo(3);
            assertThat(result.get("rewrapped_records").asInt()).isEqualTo(RECORDS);
            assertThat(keyVersions(app)).containsOnly(3);
            assertEveryRecordOpens(app, tenant.id());
        }
    }

    private static void sealContent(ConfigurableApplicationContext app, UUID tenant) {
        List<ContentSealer.PlainContent> contents = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            contents.add(new ContentSealer.PlainContent(callId(i), "archived-request", tenant, Instant.now(), 30,
                    prompt(i).getBytes(StandardCharsets.UTF_8), "noted".getBytes(StandardCharsets.UTF_8)));
        }
        ContentSealer sealer = new ContentSealer(app.getBean(TenantCipher.class));
        new ContentLog(app.getBean(DataSource.class)).store(contents.stream().map(sealer::seal).toList());
    }

    private static HttpResponse<String> rotate(ConfigurableApplicationContext app, IssuedApiKey admin, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(RunningMarketplace.uri(app, "/admin/v1/tenants/archive/keys/rotate"))
                .header("Authorization", "Bearer " + admin.token())
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Integer> keyVersions(ConfigurableApplicationContext app) {
        return JdbcClient.create(app.getBean(DataSource.class)).sql("SELECT prompt FROM audit.content_records")
                .query((row, index) -> TenantCipher.keyVersionOf(row.getBytes("prompt"))).list();
    }

    private static void assertEveryRecordOpens(ConfigurableApplicationContext app, UUID tenant) {
        TenantCipher cipher = app.getBean(TenantCipher.class);
        ContentLog contentLog = new ContentLog(app.getBean(DataSource.class));
        for (int i = 0; i < RECORDS; i++) {
            EncryptedContent stored = contentLog.find(tenant, callId(i)).orElseThrow();
            byte[] prompt = cipher.decrypt(TenantId.of(tenant.toString()), stored.promptCiphertext(),
                    EncryptionContext.of(callId(i), ContentSealer.PROMPT_PURPOSE));
            assertThat(new String(prompt, StandardCharsets.UTF_8)).isEqualTo(prompt(i));
        }
    }

    private static String callId(int i) {
        return "archived-" + i;
    }

    private static String prompt(int i) {
        return "record number " + i;
    }
}
