package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.gateway.metering.TokenUsage;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The usage API: totals that reconcile with the per-call export, for a tenant's admins and auditors only. */
@MarketplaceTest
class UsageAdminApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** More than two export pages, so that reading page after page is exercised. */
    private static final int CALLS = 2_345;
    private static final Instant FIRST_DAY = Instant.parse("2026-11-02T00:00:00Z");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageLedger ledger;

    private String slug;
    private IssuedApiKey admin;
    private List<UsageRecord> calls;

    @BeforeEach
    void tenantWithThreeDaysOfUsage() {
        slug = "usage-" + UUID.randomUUID().toString().substring(0, 8);
        IssuedApiKey developer = TestKeys.developerKey(context, slug, null);
        admin = key(developer.tenantId(), Role.TENANT_ADMIN);
        calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            Instant at = FIRST_DAY.plusSeconds(i * 100L);
            calls.add(new UsageRecord("call-" + slug + "-" + i, i % 7 == 0 ? "=HYPERLINK(\"x\")" : "request-" + (i % 10), developer.tenantId(),
                    i % 3 == 0 ? admin.keyId() : developer.keyId(), "/v1/chat/completions", i % 2 == 0 ? "chat-simulator" : "other-model",
                    "builtin-chat-simulator", "eu-central", 200, i % 2 == 0, new TokenUsage(10 + i % 13, 20 + i % 17, i % 5 != 0),
                    i % 5 == 0 ? "cl100k_base" : null, new BigDecimal("0.000000" + (100 + i % 900)), 30 + i % 11, (long) (i % 9), at));
        }
        for (int from = 0; from < CALLS; from += 500) {
            ledger.record(calls.subList(from, Math.min(CALLS, from + 500)));
        }
    }

    @Test
    void totalsPerDayModelAndKeyAddUpToTheCallsAndTheExport() throws Exception {
        JsonNode byDay = okJson(get(admin, usagePath("?from=2026-11-01&to=2026-11-30&group_by=day")));
        JsonNode byModel = okJson(get(admin, usagePath("?from=2026-11-01&to=2026-11-30&group_by=model")));
        JsonNode byKey = okJson(get(admin, usagePath("?from=2026-11-01&to=2026-11-30&group_by=key")));

        BigDecimal cost = calls.stream().map(UsageRecord::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        long promptTokens = calls.stream().mapToLong(call -> call.tokens().promptTokens()).sum();
        for (JsonNode totals : List.of(byDay, byModel, byKey)) {
            assertThat(totals.at("/total/requests").asLong()).isEqualTo(CALLS);
            assertThat(totals.at("/total/prompt_tokens").asLong()).isEqualTo(promptTokens);
            assertThat(totals.at("/total/cost").decimalValue()).isEqualByComparingTo(cost);
        }
        assertThat(byDay.get("groups")).extracting(group -> group.get("day").asText()).containsExactly("2026-11-02", "2026-11-03", "2026-11-04");
        assertThat(byModel.get("groups")).extracting(group -> group.get("model").asText()).containsExactly("chat-simulator", "other-model");
        assertThat(byKey.get("groups")).hasSize(2);

        HttpResponse<String> export = get(admin, usagePath("/export?from=2026-11-01&to=2026-11-30&format=jsonl"));
        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/jsonl"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : export.body().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).extracting(line -> line.get("call_id").asText())
                .containsExactlyElementsOf(calls.stream().map(UsageRecord::callId).toList());
        assertThat(lines.stream().map(line -> line.get("cost").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(cost);
    }

    @Test
    void exportsCsvWithAHeaderAndFormulaLikeCellsDefused() throws Exception {
        HttpResponse<String> export = get(admin, usagePath("/export?from=2026-11-02&to=2026-11-02&format=csv"));

        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Disposition")).contains(
                "attachment; filename=\"usage-" + slug + "-2026-11-02-2026-11-02.csv\"");
        String[] lines = export.body().split("\n");
        assertThat(lines[0]).startsWith("call_id,request_id,occurred_at,");
        long onFirstDay = calls.stream().filter(call -> call.occurredAt().isBefore(FIRST_DAY.plusSeconds(86_400))).count();
        assertThat(lines).hasSize(1 + (int) onFirstDay);
        assertThat(lines[1]).startsWith("call-" + slug + "-0,\"'=HYPERLINK(\"\"x\"\")\",2026-11-02T00:00:00Z,");
    }

    @Test
    void auditorsReadUsageAndDevelopersAndOtherTenantsDoNot() throws Exception {
        IssuedApiKey auditor = key(admin.tenantId(), Role.AUDITOR);
        IssuedApiKey developer = key(admin.tenantId(), Role.DEVELOPER);
        IssuedApiKey otherAdmin = key(TestKeys.developerKey(context, slug + "-other", null).tenantId(), Role.TENANT_ADMIN);
        String query = usagePath("?from=2026-11-01&to=2026-11-30");

        assertThat(okJson(get(auditor, query)).at("/total/requests").asLong()).isEqualTo(CALLS);
        assertThat(get(auditor, usagePath("/export?from=2026-11-01&to=2026-11-01")).statusCode()).isEqualTo(200);
        ProblemAnswer.of(get(developer, query)).assertIs(403, "forbidden");
        ProblemAnswer.of(get(otherAdmin, query)).assertIs(404, "not_found");
        ProblemAnswer.of(get(otherAdmin, usagePath("/export?from=2026-11-01&to=2026-11-30"))).assertIs(404, "not_found");
    }

    @Test
    void aPublisherSeesTheUseOfItsModelsByEveryCallingTenantAndNothingElse() throws Exception {
        UUID publisher = TestKeys.developerKey(context, slug + "-pub", null).tenantId();
        String model = "published-" + slug;
        CatalogModel platform = CatalogModel.platformModel(model, ModelKind.CHAT, ModelDescription.of(model, "publisher", "its model"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "2"), false, Set.of(), List.of());
        context.getBean(CatalogRepository.class).saveModel(new CatalogModel(model, ModelKind.CHAT, publisher, platform.description(),
                platform.compliance(), platform.lifecycle(), platform.access(), platform.prices(), false, platform.createdAt(), List.of(), List.of()));
        context.getBean(CachedModelCatalog.class).refresh();
        IssuedApiKey otherBuyer = TestKeys.developerKey(context, slug + "-buy", null);
        List<UsageRecord> published = List.of(call(admin.tenantId(), admin.keyId(), model, 0, "0.001"), call(admin.tenantId(), admin.keyId(), model, 1, "0.002"),
                call(otherBuyer.tenantId(), otherBuyer.keyId(), model, 2, "0.004"), call(otherBuyer.tenantId(), otherBuyer.keyId(), "other-model", 3, "0.5"));
        ledger.record(published);
        String query = "/admin/v1/tenants/" + slug + "-pub/published-usage?from=2026-11-01&to=2026-11-30";

        JsonNode byTenant = okJson(get(key(publisher, Role.PUBLISHER), query + "&group_by=tenant"));
        assertThat(byTenant.get("models")).extracting(JsonNode::asText).containsExactly(model);
        assertThat(byTenant.at("/total/requests").asLong()).isEqualTo(3);
        assertThat(byTenant.at("/total/cost").decimalValue()).isEqualByComparingTo("0.007");
        assertThat(byTenant.get("groups")).extracting(group -> group.get("tenant").asText() + "=" + group.get("requests").asLong())
                .containsExactlyInAnyOrder(slug + "=2", slug + "-buy=1");
        JsonNode byModel = okJson(get(key(publisher, Role.AUDITOR), query + "&group_by=model"));
        assertThat(byModel.get("groups")).extracting(group -> group.get("model").asText()).containsExactly(model);

        ProblemAnswer.of(get(key(publisher, Role.DEVELOPER), query)).assertIs(403, "forbidden");
        ProblemAnswer.of(get(admin, query)).assertIs(404, "not_found");
        ProblemAnswer.of(get(key(publisher, Role.PUBLISHER), query + "&group_by=key")).assertIs(400, "invalid_request");
        JsonNode ownModels = okJson(get(admin, "/admin/v1/tenants/" + slug + "/published-usage?from=2026-11-01&to=2026-11-30"));
        assertThat(ownModels.get("models")).isEmpty();
        assertThat(ownModels.at("/total/requests").asLong()).isZero();
    }

    private static UsageRecord call(UUID tenant, String keyId, String model, int index, String cost) {
        return new UsageRecord("published-call-" + UUID.randomUUID(), "request-" + index, tenant, keyId, "/v1/chat/completions", model,
                "backend-" + model, "eu-west", 200, false, new TokenUsage(10, 20, true), null, new BigDecimal(cost), 30, 5L,
                FIRST_DAY.plusSeconds(index * 60L));
    }

    @Test
    void everyBadParameterIsA400NamingIt() throws Exception {
        Map<String, String> parameterNamedByQuery = new HashMap<>();
        parameterNamedByQuery.put("?to=2026-11-30", "from");
        parameterNamedByQuery.put("?from=2026-11-01", "to");
        parameterNamedByQuery.put("?from=yesterday&to=2026-11-30", "from");
        parameterNamedByQuery.put("?from=2026-02-30&to=2026-11-30", "from");
        parameterNamedByQuery.put("?from=2026-11-30&to=2026-11-01", "to");
        parameterNamedByQuery.put("?from=2025-01-01&to=2026-11-30", "to");
        parameterNamedByQuery.put("?from=2026-11-01&to=2026-11-30&group_by=week", "group_by");
        parameterNamedByQuery.put("?from=2026-11-01&to=2026-11-30&group_by=day&group_by=model", "group_by");
        parameterNamedByQuery.put("?from=2026-11-01&to=2026-11-30&tenant=other", "tenant");
        parameterNamedByQuery.put("/export?from=2026-11-01&to=2026-11-30&format=xml", "format");
        parameterNamedByQuery.put("/export?from=2026-11-01&to=2026-11-30&group_by=day", "group_by");
        parameterNamedByQuery.put("/export?from=%00&to=2026-11-30", "from");

        for (Map.Entry<String, String> bad : parameterNamedByQuery.entrySet()) {
            ProblemAnswer answer = ProblemAnswer.of(get(admin, usagePath(bad.getKey())));
            answer.assertIs(400, "invalid_request");
            assertThat(answer.json().at("/error/param").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
        }
    }

    private String usagePath(String rest) {
        return "/admin/v1/tenants/" + slug + "/usage" + rest;
    }

    private IssuedApiKey key(UUID tenant, Role role) {
        IssuedApiKey key = context.getBean(TenantDatabase.class).apiKeys().create(tenant, role.code(), Set.of(role), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();
        return key;
    }

    private HttpResponse<String> get(IssuedApiKey key, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key.token())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode okJson(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
