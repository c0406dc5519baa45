package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.backends.BuiltinBackendServer;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant that pseudonymises transfers: the model outside the EEA (here the chat simulator,
 * catalogued in us-east, which repeats what it is sent) receives placeholders, and the caller gets
 * the answer with the original values put back, in plain and streamed answers alike.
 */
@MarketplaceTest
class PseudonymRestorationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String MESSAGE = "Please forward the invoice to jane.doe@example.com and refund IBAN DE89 3704 0044 0532 0130 00.";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private IssuedApiKey key;

    @BeforeEach
    void usTenantThatPseudonymises() {
        CatalogRepository catalog = context.getBean(CatalogRepository.class);
        catalog.saveModel(CatalogModel.platformModel("us-echo", ModelKind.CHAT,
                ModelDescription.of("Echo in the US", "test", "the simulator, catalogued in us-east"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "1"), true, Set.of(),
                List.of(new ModelBackend("us-echo@us-east", "us-echo", context.getBean(BuiltinBackendServer.class).chatBaseUrl(),
                        BuiltinBackendServer.CHAT_UPSTREAM_MODEL, "us-east"))));
        key = TestKeys.developerKey(context, "pseudonyms-" + UUID.randomUUID().toString().substring(0, 8), null);
        TenantDatabase tenants = context.getBean(TenantDatabase.class);
        tenants.tenants().update(key.tenantId(), "Pseudonymising tenant",
                new TenantSettings(Plan.DEFAULT, Set.of("us-east"), Set.of("general"), false, 0));
        ComplianceProfile defaults = Bootstrap.DEFAULT_TENANT_PROFILE;
        context.getBean(ComplianceProfiles.class).save(key.tenantId(), new ComplianceProfile(defaults.defaultPurpose(), Map.of(), Map.of(),
                "pseudonymise", defaults.injectionThreshold(), "block", false, false));
        catalog.subscribe(key.tenantId(), "us-echo");
        context.getBean(CachedModelCatalog.class).refresh();
        context.getBean(TenantDirectory.class).refresh();
    }

    @Test
    void plainAnswerCarriesTheOriginalValuesNotThePlaceholders() throws Exception {
        HttpResponse<String> response = chat(false);

        String answer = JSON.readTree(response.body()).at("/choices/0/message/content").asText();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(answer).contains("jane.doe@example.com").contains("DE89 3704 0044 0532 0130 00").doesNotContain("[EMAIL_1]");
    }

    @Test
    void streamedAnswerIsRestoredChunkByChunk() throws Exception {
        HttpResponse<String> response = chat(true);

        StringBuilder answer = new StringBuilder();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(event.substring("data: ".length()));
                answer.append(chunk.at("/choices/0/delta/content").asText(""));
            }
        }
        assertThat(answer.toString()).contains("jane.doe@example.com").doesNotContain("[EMAIL_").doesNotContain("[IBAN_");
    }

    private HttpResponse<String> chat(boolean stream) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "us-echo", "stream", stream,
                "messages", List.of(Map.of("role", "user", "content", MESSAGE))));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
