package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.tenant.IssuedApiKey;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model output is inspected for tenants who ask for it. The chat simulator repeats the user's
 * message, which makes it leak whatever the user pastes: here, the system prompt.
 */
@MarketplaceTest
class ResponseInspectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SYSTEM_PROMPT = "You are the billing assistant of Contoso and you answer questions about invoices only.";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void plainAnswerLeakingTheSystemPromptIsWithheldAsContentFilter() throws Exception {
        IssuedApiKey key = tenantScanningResponses(true);

        HttpResponse<String> response = chat(key, SYSTEM_PROMPT, false);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(answer.at("/choices/0/message/content").asText()).isEmpty();
        assertThat(response.headers().firstValue("X-Gatehouse-Flags")).contains("response-system-prompt-leak");
    }

    @Test
    void streamLeakingTheSystemPromptEndsWithAnErrorEventAndDone() throws Exception {
        IssuedApiKey key = tenantScanningResponses(true);

        HttpResponse<String> response = chat(key, SYSTEM_PROMPT, true);

        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        JsonNode error = JSON.readTree(events.get(events.size() - 2).substring("data: ".length()));
        assertThat(error.at("/error/code").asText()).isEqualTo("response_blocked");
        String streamed = String.join("", events.stream().filter(event -> event.contains("\"delta\"")).toList());
        assertThat(streamed).doesNotContain("invoices only");
    }

    @Test
    void aLeakThatOnlyTheLastWordsOfAStreamCompleteIsJudgedAtTheEndOfTheStream() throws Exception {
        IssuedApiKey key = tenantScanningResponses(true);
        String lastWordsOfTheSystemPrompt = "of Contoso and you answer questions about invoices only";

        HttpResponse<String> response = chat(key, lastWordsOfTheSystemPrompt, true);

        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        JsonNode error = JSON.readTree(events.get(events.size() - 2).substring("data: ".length()));
        assertThat(error.at("/error/code").asText()).as(response.body()).isEqualTo("response_blocked");
    }

    @Test
    void personalDataInAnAnswerIsFlaggedNotWithheld() throws Exception {
        IssuedApiKey key = tenantScanningResponses(true);

        HttpResponse<String> response = chat(key, "Write to jane.doe@example.com about it.", false);

        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).contains("jane.doe@example.com");
        assertThat(response.headers().firstValue("X-Gatehouse-Flags")).contains("response-personal-data");
    }

    @Test
    void tenantsWhoDoNotScanResponsesGetTheAnswerUntouched() throws Exception {
        IssuedApiKey key = tenantScanningResponses(false);

        HttpResponse<String> response = chat(key, SYSTEM_PROMPT, false);

        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).contains("invoices only");
        assertThat(response.headers().firstValue("X-Gatehouse-Flags")).isEmpty();
    }

    private IssuedApiKey tenantScanningResponses(boolean scanResponses) {
        IssuedApiKey key = TestKeys.developerKey(context, "responses-" + UUID.randomUUID().toString().substring(0, 8), null);
        ComplianceProfile defaults = Bootstrap.DEFAULT_TENANT_PROFILE;
        context.getBean(ComplianceProfiles.class).save(key.tenantId(), new ComplianceProfile(defaults.defaultPurpose(),
                Map.of(), Map.of(), "refuse", defaults.injectionThreshold(), "block", scanResponses, false));
        return key;
    }

    private HttpResponse<String> chat(IssuedApiKey key, String userMessage, boolean stream) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "chat-simulator", "stream", stream, "messages", List.of(
                Map.of("role", "system", "content", SYSTEM_PROMPT),
                Map.of("role", "user", "content", userMessage))));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
