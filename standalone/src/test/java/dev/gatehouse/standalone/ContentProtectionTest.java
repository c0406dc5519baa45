package dev.gatehouse.standalone;

import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.gateway.content.ContentSealer;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Content a tenant asks to log is stored encrypted with its own key: a marker sent in a prompt
 * (and echoed by the model) appears nowhere in the database files or the data directory, yet the
 * tenant's key reads it back, also after a key rotation that rewrapped it; once the tenant is
 * erased, nobody can, while the audit log stays verifiable and records the erasure.
 */
class ContentProtectionTest {

    @TempDir
    Path workDir;

    @Test
    void storesContentOnlyEncryptedAndShredsItWithTheTenant() throws Exception {
        Path dataDir = workDir.resolve("data");
        String marker = "GATEHOUSE-MARKER-" + UUID.randomUUID();
        String control = "Clinic-" + UUID.randomUUID();
        try (ConfigurableApplicationContext app = RunningMarketplace.start(dataDir)) {
            Tenant tenant = app.getBean(TenantLifecycle.class).create("clinic", control,
                    new TenantSettings(Plan.DEFAULT, Set.of("eu-central"), Set.of("general"), true, 30));
            app.getBean(ComplianceProfiles.class).save(tenant.id(), Bootstrap.DEFAULT_TENANT_PROFILE);
            app.getBean(CatalogRepository.class).subscribe(tenant.id(), "chat-simulator");
            app.getBean(CachedModelCatalog.class).refresh();
            IssuedApiKey key = app.getBean(TenantDatabase.class).apiKeys().create(tenant.id(), "logger", Set.of(Role.DEVELOPER), null);
            app.getBean(TenantDirectory.class).refresh();
            app.getBean(ApiKeyAuthenticator.class).refresh();

            HttpResponse<String> response = RunningMarketplace.chat(app, key.token(), "Please remember the code " + marker + " for me.");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains(marker);
            String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
            String callId = response.headers().firstValue("X-Gatehouse-Call-Id").orElseThrow();
            ContentLog contentLog = new ContentLog(app.getBean(DataSource.class));
            AuditLog audit = app.getBean(AuditLog.class);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(contentLog.find(tenant.id(), callId)).isPresent();
                assertThat(audit.recordsOfRequest(requestId)).hasSize(1);
            });
            flushEverything(app);

            EncryptedContent stored = contentLog.find(tenant.id(), callId).orElseThrow();
            TenantCipher cipher = app.getBean(TenantCipher.class);
            TenantId tenantKey = TenantId.of(tenant.id().toString());
            String prompt = new String(cipher.decrypt(tenantKey, stored.promptCiphertext(),
                    EncryptionContext.of(callId, ContentSealer.PROMPT_PURPOSE)), StandardCharsets.UTF_8);
            assertThat(prompt).contains(marker);
            JdbcClient.create(app.getBean(DataSource.class)).sql("CHECKPOINT").update();
            assertThat(filesContaining(dataDir, control)).as("the scan sees what the database stores in plaintext").isNotEmpty();
            assertThat(filesContaining(dataDir, marker)).as("files holding the marker in plaintext").isEmpty();

            IssuedApiKey admin = app.getBean(TenantDatabase.class).apiKeys().create(tenant.id(), "admin", Set.of(Role.TENANT_ADMIN), null);
            app.getBean(ApiKeyAuthenticator.class).refresh();
            HttpResponse<String> rotated = RunningMarketplace.post(app, admin.token(), "/admin/v1/tenants/clinic/keys/rotate", "");
            assertThat(rotated.body()).isEqualTo("{\"key_version\":2,\"rewrapped_records\":1}");
            EncryptedContent rewrapped = contentLog.find(tenant.id(), callId).orElseThrow();
            assertThat(TenantCipher.keyVersionOf(rewrapped.promptCiphertext())).isEqualTo(2);
            assertThat(new String(cipher.decrypt(tenantKey, rewrapped.promptCiphertext(),
                    EncryptionContext.of(callId, ContentSealer.PROMPT_PURPOSE)), StandardCharsets.UTF_8)).contains(marker);

            app.getBean(TenantLifecycle.class).erase(tenant);

            assertThatThrownBy(() -> cipher.decrypt(tenantKey, stored.completionCiphertext(),
                    EncryptionContext.of(callId, ContentSealer.COMPLETION_PURPOSE)))
                    .isInstanceOfSatisfying(CryptoException.class, error -> assertThat(error.code()).isEqualTo(ErrorCode.KEY_DESTROYED));
            assertThat(app.getBean(AuditCheckpoints.class).findTampering()).isEmpty();
            assertThat(audit.recordsOfRequest(requestId)).singleElement()
                    .satisfies(record -> assertThat(record.eventJson()).contains("\"content_logged\":true").doesNotContain(marker)
                            .containsPattern("\"cost\":\"[0-9.]+\"").contains("\"cost_currency\":\"USD\""));
            assertThat(audit.recordsOfCall("erasure-" + tenant.id())).singleElement()
                    .satisfies(record -> assertThat(record.eventJson()).contains("tenant_key_destroyed"));
        }
    }

    private static void flushEverything(ConfigurableApplicationContext app) throws InterruptedException {
        assertThat(app.getBean(AuditJournal.class).flush(Duration.ofSeconds(20))).as("audit journal, content included").isTrue();
        assertThat(app.getBean("usageWriter", AsyncBatchWriter.class).flush(Duration.ofSeconds(20))).as("usage writer").isTrue();
    }

    /** Files of the running database come and go while they are scanned (pg_internal.init, temporary files): a vanished one is skipped. */
    private static List<Path> filesContaining(Path dir, String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        List<Path> containing = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && contains(file, needle)) {
                    containing.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException vanished) {
                return FileVisitResult.CONTINUE;
            }
        });
        return containing;
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            outer:
            for (int i = 0; i <= bytes.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException unreadable) {
            return false;
        }
    }
}
