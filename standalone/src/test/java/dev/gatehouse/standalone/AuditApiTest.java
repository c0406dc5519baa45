package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.AuditRecord;
import dev.gatehouse.audit.tree.ProofVerifier;
import dev.gatehouse.audit.verify.BundleVerifier;
import dev.gatehouse.gateway.filter.RequestIdentityFilter;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit API as auditors, tenant admins and platform admins use it: what is recorded of calls,
 * refusals and admin actions, who may read which tenant's log, proofs and exports that verify, and
 * a precise 400 for every bad parameter.
 */
@MarketplaceTest
class AuditApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> TENANT_ENDPOINTS = List.of("", "/checkpoint", "/proofs/inclusion?index=0&size=1",
            "/proofs/consistency?from=0&to=1", "/retention", "/export");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    AuditLog auditLog;
    @Autowired
    AuditJournal journal;

    @TempDir
    Path downloads;

    private String acme;
    private String globex;
    private IssuedApiKey acmeDeveloper;
    private String acmeAuditor;
    private String acmeAdmin;
    private String platformAdmin;

    @BeforeEach
    void twoTenantsWithCalls() throws Exception {
        acme = "audit-acme-" + UUID.randomUUID().toString().substring(0, 8);
        globex = "audit-globex-" + UUID.randomUUID().toString().substring(0, 8);
        acmeDeveloper = TestKeys.developerKey(context, acme, null);
        IssuedApiKey globexDeveloper = TestKeys.developerKey(context, globex, null);
        acmeAuditor = keyWith(acme, Role.AUDITOR);
        acmeAdmin = keyWith(acme, Role.TENANT_ADMIN);
        platformAdmin = TestKeys.platformAdminKey(context);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(acmeDeveloper.token(), "same-request-id", "Where is the nearest train station?").statusCode()).isEqualTo(200);
        }
        assertThat(chat(globexDeveloper.token(), "globex-call", "What is the weather in Oslo?").statusCode()).isEqualTo(200);
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
        context.getBean(AuditCheckpoints.class).signGrownLogs();
    }

    @Test
    void everyCallHasARecordOfItsOwnWithTheCallersRequestIdAsAnAttribute() throws Exception {
        HttpResponse<String> call = chat(acmeDeveloper.token(), "reused-by-the-caller", "What time is it in Lisbon?");
        chat(acmeDeveloper.token(), "reused-by-the-caller", "What time is it in Porto?");
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();

        String callId = call.headers().firstValue(RequestIdentityFilter.CALL_ID_HEADER).orElseThrow();
        assertThat(auditLog.recordsOfRequest("reused-by-the-caller")).hasSize(2).extracting(AuditRecord::recordId).doesNotHaveDuplicates();
        JsonNode page = json(get("/admin/v1/tenants/" + acme + "/audit?action=model_call", acmeAuditor), 200);
        assertThat(page.path("data")).anySatisfy(record -> {
            assertThat(record.path("record_id").asText()).isEqualTo(callId);
            assertThat(record.path("request_id").asText()).isEqualTo("reused-by-the-caller");
            assertThat(record.at("/event/facts/outcome").asText()).isEqualTo("completed");
            assertThat(record.at("/event/facts/model").asText()).isEqualTo("chat-simulator");
            assertThat(record.at("/event/facts/policy_input_digest").asText()).isNotBlank();
            assertThat(record.at("/event/facts/key_id").asText()).isEqualTo(acmeDeveloper.keyId());
            assertThat(record.at("/event/facts/prompt_tokens").asInt()).isPositive();
            assertThat(record.at("/event/facts/cost").asText()).matches("[0-9]+(\\.[0-9]+)?");
            assertThat(record.at("/event/facts/cost_currency").asText()).isEqualTo("USD");
        });
    }

    @Test
    void aRefusedAuthenticationIsRecordedWithTheKeyIdButNotTheSecret() throws Exception {
        String forged = "gatehouse_kaaaaaaaaaaaaaaaa_" + "A".repeat(43);
        HttpResponse<String> refused = chat(forged, "refused-authentication-1", "Hello there, how are you?");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(auditLog.recordsOfRequest("refused-authentication-1")).singleElement().satisfies(record -> {
            assertThat(record.logId()).isEqualTo(AuditLog.PLATFORM_LOG);
            assertThat(record.action()).isEqualTo("authentication_refused");
            assertThat(record.eventJson()).contains("\"key_id\":\"kaaaaaaaaaaaaaaaa\"").contains("\"outcome\":\"invalid_api_key\"")
                    .doesNotContain("AAAAAAAAAAAAAAAAAAAA");
        });
    }

    @Test
    void onlyPlatformAdminsReadThePlatformLog() throws Exception {
        String since = java.time.Instant.now().minusSeconds(5).toString();
        chat("gatehouse_kbbbbbbbbbbbbbbbb_" + "B".repeat(43), "platform-log-refusal", "Hello there, how are you?");
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();

        JsonNode page = json(get("/admin/v1/audit/platform?action=authentication_refused&limit=1000&from=" + since, platformAdmin), 200);
        assertThat(page.path("data")).anySatisfy(record -> assertThat(record.path("request_id").asText()).isEqualTo("platform-log-refusal"));
        ProblemAnswer.of(get("/admin/v1/audit/platform", acmeAuditor)).assertIs(403, "forbidden");
        ProblemAnswer.of(get("/admin/v1/audit/platform/export", acmeAdmin)).assertIs(403, "forbidden");
    }

    @Test
    void adminActionsAreRecordedWithoutTheirBodies() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/v1/tenants/" + acme + "/api-keys"))
                .header("Authorization", "Bearer " + acmeAdmin).header("Content-Type", "application/json")
                .header("X-Request-Id", "create-a-key-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci key\",\"roles\":[\"tenant-admin\"]}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();

        String token = JSON.readTree(created.body()).path("token").asText();
        assertThat(auditLog.recordsOfRequest("create-a-key-1")).singleElement().satisfies(record -> {
            assertThat(record.logId()).isEqualTo(tenant(acme).id());
            assertThat(record.action()).isEqualTo("admin POST /admin/v1/tenants/{}/api-keys");
            assertThat(record.eventJson()).contains("\"status\":201").contains("\"roles\":\"tenant-admin\"").doesNotContain(token).doesNotContain("ci key");
        });
    }

    @Test
    void auditorsAndTenantAdminsReadOnlyTheirOwnTenantAndPlatformAdminsAny() throws Exception {
        for (String endpoint : TENANT_ENDPOINTS) {
            String own = "/admin/v1/tenants/" + acme + "/audit" + endpoint;
            String other = "/admin/v1/tenants/" + globex + "/audit" + endpoint;
            assertThat(get(own, acmeAuditor).statusCode()).as(own).isEqualTo(200);
            assertThat(get(own, acmeAdmin).statusCode()).as(own).isEqualTo(200);
            assertThat(get(other, platformAdmin).statusCode()).as(other).isEqualTo(200);
            ProblemAnswer.of(get(other, acmeAuditor)).assertIs(404, "not_found");
            ProblemAnswer.of(get(other, acmeAdmin)).assertIs(404, "not_found");
            ProblemAnswer.of(get(own, acmeDeveloper.token())).assertIs(403, "forbidden");
            ProblemAnswer.of(get(own, null)).assertIs(401, "missing_credentials");
        }
        ProblemAnswer.of(post("/admin/v1/tenants/" + globex + "/audit/checkpoints", acmeAuditor)).assertIs(404, "not_found");
    }

    @Test
    void searchOnlyEverShowsTheTenantsOwnRecords() throws Exception {
        JsonNode page = json(get("/admin/v1/tenants/" + acme + "/audit?limit=1000", platformAdmin), 200);
        assertThat(page.path("data")).isNotEmpty().noneSatisfy(record -> assertThat(record.path("request_id").asText()).isEqualTo("globex-call"));
    }

    @Test
    void searchPagesWithACursor() throws Exception {
        JsonNode first = json(get("/admin/v1/tenants/" + acme + "/audit?limit=2", acmeAuditor), 200);
        assertThat(first.path("data")).hasSize(2);
        JsonNode second = json(get("/admin/v1/tenants/" + acme + "/audit?limit=2&cursor=" + first.path("next_cursor").asText(), acmeAuditor), 200);
        assertThat(second.path("data").get(0).path("index").asLong()).isEqualTo(first.path("data").get(1).path("index").asLong() + 1);
    }

    @Test
    void badParametersAre400NamingThem() throws Exception {
        String audit = "/admin/v1/tenants/" + acme + "/audit";
        Map<String, String> badParameterOf = Map.of(
                audit + "?from=yesterday", "from",
                audit + "?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from",
                audit + "?cursor=abc", "cursor",
                audit + "?limit=0", "limit",
                audit + "?action=%00", "action",
                audit + "?tenant=other", "tenant",
                audit + "/export?format=xml", "format",
                audit + "/proofs/inclusion?index=0", "size",
                audit + "/proofs/inclusion?index=5&size=1", "index",
                audit + "/proofs/consistency?from=2&to=1", "from");
        for (Map.Entry<String, String> bad : badParameterOf.entrySet()) {
            HttpResponse<String> response = get(bad.getKey(), acmeAuditor);
            ProblemAnswer.of(response).assertIs(400, "invalid_request");
            assertThat(JSON.readTree(response.body()).at("/error/param").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
        }
    }

    @Test
    void proofsFromTheApiVerifyAgainstTheSignedCheckpoint() throws Exception {
        JsonNode checkpoint = json(post("/admin/v1/tenants/" + acme + "/audit/checkpoints", acmeAuditor), 201);
        long size = checkpoint.path("size").asLong();
        byte[] root = Base64.getDecoder().decode(checkpoint.path("root").asText());

        JsonNode inclusion = json(get("/admin/v1/tenants/" + acme + "/audit/proofs/inclusion?index=0&size=" + size, acmeAuditor), 200);
        assertThat(ProofVerifier.verifyInclusion(0, size, Base64.getDecoder().decode(inclusion.path("leaf_hash").asText()),
                hashes(inclusion.path("audit_path")), root)).isTrue();
        String keys = get(AuditAdminRoutes.PUBLIC_KEYS_PATH, null).body();
        assertThat(keys).contains("Key-Id: " + checkpoint.path("key_id").asText());
    }

    @Test
    void anExportDownloadsAsABundleThatVerifiesOffline() throws Exception {
        HttpResponse<Path> export = HTTP.send(HttpRequest.newBuilder(uri("/admin/v1/tenants/" + acme + "/audit/export?format=csv"))
                .header("Authorization", "Bearer " + acmeAuditor).build(), HttpResponse.BodyHandlers.ofFile(downloads.resolve("acme.zip")));

        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).contains("application/zip");
        assertThat(Long.parseLong(export.headers().firstValue("X-Gatehouse-Export-Records").orElseThrow())).isGreaterThanOrEqualTo(3);
        BundleVerifier.Result result = BundleVerifier.verify(export.body());
        assertThat(result.problems()).isEmpty();
        assertThat(result.notes()).first().asString().contains("log " + tenant(acme).id());
    }

    @Test
    void anExportJobShowsItsProgressAndEndsWithABundleThatVerifiesOffline() throws Exception {
        HttpResponse<String> started = post("/admin/v1/tenants/" + acme + "/audit/exports?format=jsonl", acmeAuditor);
        JsonNode job = json(started, 202);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/admin/v1/tenants/" + acme + "/audit/exports/" + job.path("id").asText());
        assertThat(job.path("state").asText()).isIn("queued", "running");
        assertThat(job.path("records_total").asLong()).isGreaterThanOrEqualTo(3);

        JsonNode completed = await().atMost(Duration.ofSeconds(60)).until(() -> json(get(location, acmeAuditor), 200),
                polled -> !polled.path("state").asText().matches("queued|running"));
        assertThat(completed.path("state").asText()).isEqualTo("completed");
        assertThat(completed.path("percentage").asInt()).isEqualTo(100);
        assertThat(completed.path("records_done").asLong()).isEqualTo(job.path("records_total").asLong());
        HttpResponse<Path> bundle = HTTP.send(HttpRequest.newBuilder(uri(completed.path("bundle").asText()))
                .header("Authorization", "Bearer " + acmeAdmin).build(), HttpResponse.BodyHandlers.ofFile(downloads.resolve("job.zip")));
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValueAsLong("Content-Length")).hasValue(completed.path("bundle_bytes").asLong());
        assertThat(BundleVerifier.verify(bundle.body()).problems()).isEmpty();
        assertThat(get(location, platformAdmin).statusCode()).isEqualTo(200);
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(auditLog.recordsOfRequest(bundle.headers().firstValue("X-Request-Id").orElseThrow())).as("the download is audited")
                .singleElement().satisfies(record -> assertThat(record.action()).isEqualTo("admin GET /admin/v1/tenants/{}/audit/exports/{}/bundle"));

        String globexJob = "/admin/v1/tenants/" + globex + "/audit/exports/" + job.path("id").asText();
        ProblemAnswer.of(get(globexJob, platformAdmin)).assertIs(404, "not_found");
        ProblemAnswer.of(get(globexJob, acmeAuditor)).assertIs(404, "not_found");
        ProblemAnswer.of(post("/admin/v1/tenants/" + globex + "/audit/exports", acmeAdmin)).assertIs(404, "not_found");
        ProblemAnswer.of(post("/admin/v1/tenants/" + acme + "/audit/exports", acmeDeveloper.token())).assertIs(403, "forbidden");
        ProblemAnswer.of(get(location, acmeDeveloper.token())).assertIs(403, "forbidden");
        ProblemAnswer.of(get("/admin/v1/tenants/" + acme + "/audit/exports/not-a-job", acmeAuditor)).assertIs(404, "not_found");
        ProblemAnswer.of(post("/admin/v1/tenants/" + acme + "/audit/exports?format=xml", acmeAuditor)).assertIs(400, "invalid_request");
    }

    @Test
    void aRotatedSigningKeySignsNewCheckpointsAndTheOldOneStaysPublished() throws Exception {
        JsonNode before = json(post("/admin/v1/tenants/" + acme + "/audit/checkpoints", acmeAuditor), 201);
        ProblemAnswer.of(post("/admin/v1/audit/signing-keys/rotate", acmeAdmin)).assertIs(403, "forbidden");

        String rotated = json(post("/admin/v1/audit/signing-keys/rotate", platformAdmin), 200).path("key_id").asText();
        chat(acmeDeveloper.token(), "after-rotation", "Which museums open on Mondays?");
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
        JsonNode after = json(post("/admin/v1/tenants/" + acme + "/audit/checkpoints", acmeAuditor), 201);

        assertThat(after.path("key_id").asText()).isEqualTo(rotated).isNotEqualTo(before.path("key_id").asText());
        assertThat(get(AuditAdminRoutes.PUBLIC_KEYS_PATH, null).body()).contains("Key-Id: " + rotated, "Key-Id: " + before.path("key_id").asText());
        assertThat(context.getBean(AuditCheckpoints.class).findTampering(tenant(acme).id())).isEmpty();
    }

    @Test
    void tenantAdminsSetRetentionAndOnlyPlatformAdminsPlaceALegalHold() throws Exception {
        String retention = "/admin/v1/tenants/" + acme + "/audit/retention";
        assertThat(json(put(retention, acmeAdmin, "{\"retention_days\":400}"), 200).path("retention_days").asInt()).isEqualTo(400);
        ProblemAnswer.of(put(retention, acmeAdmin, "{\"legal_hold\":true}")).assertIs(403, "forbidden");
        ProblemAnswer.of(put(retention, acmeAuditor, "{\"retention_days\":1}")).assertIs(403, "forbidden");
        ProblemAnswer.of(put(retention, acmeAdmin, "{\"retention_days\":0}")).assertIs(400, "invalid_request");
        JsonNode held = json(put(retention, platformAdmin, "{\"legal_hold\":true}"), 200);
        assertThat(held.path("legal_hold").asBoolean()).isTrue();
        assertThat(held.path("retention_days").asInt()).isEqualTo(400);
    }

    private Tenant tenant(String slug) {
        return context.getBean(TenantDatabase.class).tenants().findBySlug(slug).orElseThrow();
    }

    private String keyWith(String slug, Role role) {
        IssuedApiKey key = context.getBean(TenantDatabase.class).apiKeys().create(tenant(slug).id(), role.code(), Set.of(role), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();
        return key.token();
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new java.util.ArrayList<>();
        array.forEach(hash -> hashes.add(Base64.getDecoder().decode(hash.asText())));
        return hashes;
    }

    private HttpResponse<String> chat(String bearer, String requestId, String message) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(RunningMarketplace.CHAT_BODY_TEMPLATE.formatted(message))));
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request);
    }

    private HttpResponse<String> post(String path, String bearer) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> put(String path, String bearer, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
