package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.gateway.filter.RequestIdentityFilter;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call whose content the policy obliges to log, but which cannot be sealed (here: the tenant has no
 * key in the key service): its audit record says {@code content_logged=false} and why, and the
 * tenant's compliance profile decides whether it is answered anyway or fails closed.
 */
@MarketplaceTest
class ContentLogRequirementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    AuditLog auditLog;
    @Autowired
    AuditJournal journal;

    @Test
    void contentThatCannotBeSealedIsRecordedAsNotLoggedAndTheCallIsAnswered() throws Exception {
        IssuedApiKey key = keyOfTenantLoggingContentWithoutAKey(false);

        HttpResponse<String> call = chat(key.token(), "Which museums are open on Sundays in Vienna?");

        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        JsonNode facts = factsOf(call);
        assertThat(facts.path("content_logged").asBoolean()).isFalse();
        assertThat(facts.path("content_not_logged").asText()).isEqualTo("key_not_found");
        assertThat(facts.path("outcome").asText()).isEqualTo("completed");
    }

    @Test
    void aTenantRequiringTheContentLogGetsAProblemInsteadOfAnAnswerWhoseContentIsNotStored() throws Exception {
        IssuedApiKey key = keyOfTenantLoggingContentWithoutAKey(true);

        HttpResponse<String> call = chat(key.token(), "Which museums are open on Mondays in Vienna?");

        assertThat(call.statusCode()).as(call.body()).isEqualTo(503);
        assertThat(call.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(call.body()).at("/error/code").asText()).isEqualTo("content_log_unavailable");
        assertThat(call.body()).doesNotContain("Mondays");
        JsonNode facts = factsOf(call);
        assertThat(facts.path("content_logged").asBoolean()).isFalse();
        assertThat(facts.path("content_not_logged").asText()).isEqualTo("key_not_found");
        assertThat(facts.path("status").asInt()).isEqualTo(503);
        assertThat(facts.path("outcome").asText()).isEqualTo("content_log_unavailable");
        String callId = call.headers().firstValue(RequestIdentityFilter.CALL_ID_HEADER).orElseThrow();
        assertThat(new ContentLog(context.getBean(DataSource.class)).find(key.tenantId(), callId)).isEmpty();
    }

    /** A tenant made straight in the tenant database, so without a key in the key service: its content cannot be sealed. */
    private IssuedApiKey keyOfTenantLoggingContentWithoutAKey(boolean requireContentLog) {
        TenantDatabase database = context.getBean(TenantDatabase.class);
        TenantSettings defaults = Bootstrap.DEFAULT_TENANT_SETTINGS;
        Tenant tenant = database.tenants().create("keyless-" + UUID.randomUUID().toString().substring(0, 8), "Keyless",
                new TenantSettings(Plan.DEFAULT, defaults.residencyRegions(), defaults.allowedPurposes(), true, 30));
        ComplianceProfile profile = Bootstrap.DEFAULT_TENANT_PROFILE;
        context.getBean(ComplianceProfiles.class).save(tenant.id(), new ComplianceProfile(profile.defaultPurpose(), profile.transferBases(),
                profile.specialCategoryBases(), profile.transferChoice(), profile.injectionThreshold(), profile.injectionAction(),
                profile.scanResponses(), requireContentLog));
        context.getBean(CatalogRepository.class).subscribe(tenant.id(), "chat-simulator");
        context.getBean(CachedModelCatalog.class).refresh();
        IssuedApiKey key = database.apiKeys().create(tenant.id(), "content logger", Set.of(Role.DEVELOPER), null);
        context.getBean(TenantDirectory.class).refresh();
        context.getBean(ApiKeyAuthenticator.class).refresh();
        return key;
    }

    private JsonNode factsOf(HttpResponse<String> call) throws Exception {
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
        String callId = call.headers().firstValue(RequestIdentityFilter.CALL_ID_HEADER).orElseThrow();
        return JSON.readTree(auditLog.recordsOfCall(callId).get(0).eventJson()).path("facts");
    }

    private HttpResponse<String> chat(String bearer, String message) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RunningMarketplace.CHAT_BODY_TEMPLATE.formatted(message))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
