package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
import java.util.TreeMap;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers with several choices and with tool calls, from a backend in the US that a pseudonymising
 * EU tenant reaches: each choice's text and each tool call's arguments get the original values
 * back, in plain and streamed answers (placeholders split across chunks and interleaved between
 * choices), and response inspection judges each choice on its own, to the end of the stream.
 */
@MarketplaceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnswerChoicesAndToolCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String EMAIL = "jane.doe@example.com";
    private static final String IBAN = "DE89 3704 0044 0532 0130 00";
    private static final String PROMPT = "Please forward the invoice to " + EMAIL + " and refund IBAN " + IBAN + ".";
    private static final String SYSTEM_PROMPT = "You are the billing assistant of Contoso and you answer questions about invoices only.";

    private static final String PLAIN_ANSWER = """
            {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[
              {"index":0,"message":{"role":"assistant","content":"I will write to [EMAIL_1].","tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"send_mail","arguments":"{\\"to\\":\\"[EMAIL_1]\\",\\"iban\\":\\"[IBAN_1]\\"}"}}]},"finish_reason":"tool_calls"},
              {"index":1,"message":{"role":"assistant","content":"The refund goes to [IBAN_1]."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":20,"completion_tokens":20,"total_tokens":40}}""";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    CatalogRepository catalog;
    @Autowired
    CachedModelCatalog catalogCache;

    private WireMockServer backend;

    @BeforeAll
    void catalogueUsBackend() {
        backend = RecordingBackends.startedServer();
        catalog.saveModel(CatalogModel.platformModel("us-choices", ModelKind.CHAT,
                ModelDescription.of("Choices in the US", "test", "a recorded backend in us-east"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false, Set.of(),
                List.of(new ModelBackend("us-choices@us-east", "us-choices", URI.create(backend.baseUrl() + "/v1"), "upstream", "us-east"))));
        catalogCache.refresh();
        RecordingBackends.awaitAdmitted(context, "us-choices@us-east");
    }

    @BeforeEach
    void resetBackend() {
        backend.resetRequests();
    }

    @AfterAll
    void stopBackend() {
        backend.stop();
    }

    @Test
    void everyChoiceAndToolCallOfAPlainAnswerGetsTheOriginalValuesBack() throws Exception {
        answerPlain(PLAIN_ANSWER);

        HttpResponse<String> response = chat(tenant(false), PROMPT, false);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("I will write to " + EMAIL + ".");
        assertThat(JSON.readTree(answer.at("/choices/0/message/tool_calls/0/function/arguments").asText()))
                .isEqualTo(JSON.createObjectNode().put("to", EMAIL).put("iban", IBAN));
        assertThat(answer.at("/choices/1/message/content").asText()).isEqualTo("The refund goes to " + IBAN + ".");
        assertThat(backend.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))).singleElement()
                .satisfies(request -> assertThat(request.getBodyAsString()).doesNotContain(EMAIL).doesNotContain("DE89"));
    }

    @Test
    void everyChoiceAndToolCallOfAStreamGetsTheOriginalValuesBackThoughPlaceholdersAreSplitAndInterleaved() throws Exception {
        answerStreamed(
                chunk(0, "{\"role\":\"assistant\",\"content\":\"I will write to [EM\"}", null),
                chunk(1, "{\"role\":\"assistant\",\"content\":\"The refund goes to [IB\"}", null),
                chunk(0, "{\"content\":\"AIL_1].\"}", null),
                chunk(0, "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"send_mail\",\"arguments\":\"{\\\"to\\\":\\\"[EMA\"}}]}", null),
                chunk(1, "{\"content\":\"AN_1].\"}", null),
                chunk(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"IL_1]\\\"}\"}}]}", null),
                chunk(1, "{}", "stop"),
                chunk(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\"}}]}", null),
                chunk(0, "{}", "tool_calls"));

        HttpResponse<String> response = chat(tenant(false), PROMPT, true);

        StreamedAnswer answer = StreamedAnswer.of(response.body());
        assertThat(answer.content(0)).isEqualTo("I will write to " + EMAIL + ".");
        assertThat(answer.content(1)).isEqualTo("The refund goes to " + IBAN + ".");
        assertThat(answer.arguments(0)).isEqualTo("{\"to\":\"" + EMAIL + "\"}");
        assertThat(response.body()).doesNotContain("[EMAIL_1]").doesNotContain("[IBAN_1]").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aPlaceholderHeldBackAtTheEndOfAToolCallIsReleasedWithTheChunkThatFinishesItsChoice() throws Exception {
        answerStreamed(
                chunk(0, "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"send_mail\",\"arguments\":\"[EMAIL_\"}}]}", null),
                chunk(0, "{}", "tool_calls"));

        HttpResponse<String> response = chat(tenant(false), PROMPT, true);

        assertThat(StreamedAnswer.of(response.body()).arguments(0)).isEqualTo("[EMAIL_");
    }

    @Test
    void aLegacyFunctionCallOfAStreamGetsTheOriginalValuesBackToo() throws Exception {
        answerStreamed(
                chunk(0, "{\"role\":\"assistant\",\"function_call\":{\"name\":\"send_mail\",\"arguments\":\"{\\\"to\\\":\\\"[EMAIL\"}}", null),
                chunk(0, "{\"function_call\":{\"arguments\":\"_1]\\\"}\"}}", null),
                chunk(0, "{}", "function_call"));

        HttpResponse<String> response = chat(tenant(false), PROMPT, true);

        StringBuilder arguments = new StringBuilder();
        for (String event : response.body().split("\n\n")) {
            if (event.startsWith("data: {")) {
                JSON.readTree(event.substring("data: ".length())).path("choices")
                        .forEach(choice -> arguments.append(choice.at("/delta/function_call/arguments").asText("")));
            }
        }
        assertThat(arguments.toString()).isEqualTo("{\"to\":\"" + EMAIL + "\"}");
    }

    @Test
    void personalDataInAToolCallOfTheAnswerIsFlagged() throws Exception {
        answerPlain(PLAIN_ANSWER.replace("I will write to [EMAIL_1].", "Done.").replace("The refund goes to [IBAN_1].", "Done."));

        HttpResponse<String> response = chat(tenant(true), PROMPT, false);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Gatehouse-Flags")).contains("response-personal-data");
    }

    @Test
    void aLeakThatTheLastWordsOfTheSecondChoiceCompleteCutsTheStreamAtItsEnd() throws Exception {
        answerStreamed(
                chunk(0, "{\"role\":\"assistant\",\"content\":\"Your invoice was paid on Monday.\"}", null),
                chunk(1, "{\"role\":\"assistant\",\"content\":\"I am told: of Contoso and you answer questions about\"}", null),
                chunk(0, "{}", "stop"),
                chunk(1, "{\"content\":\" invoices only\"}", null),
                chunk(1, "{}", "stop"));

        HttpResponse<String> response = chat(tenant(true), "When was my invoice paid?", true);

        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(JSON.readTree(events.get(events.size() - 2).substring("data: ".length())).at("/error/code").asText())
                .as(response.body()).isEqualTo("response_blocked");
    }

    @Test
    void twoChoicesThatEachShowPartOfTheSystemPromptAreJudgedApartAndPass() throws Exception {
        answerStreamed(
                chunk(0, "{\"role\":\"assistant\",\"content\":\"You are the billing assistant of Contoso\"}", null),
                chunk(1, "{\"role\":\"assistant\",\"content\":\"and you answer questions about invoices only\"}", null),
                chunk(0, "{}", "stop"),
                chunk(1, "{}", "stop"));

        HttpResponse<String> response = chat(tenant(true), "When was my invoice paid?", true);

        assertThat(response.body()).doesNotContain("response_blocked").endsWith("data: [DONE]\n\n");
        assertThat(StreamedAnswer.of(response.body()).content(1)).isEqualTo("and you answer questions about invoices only");
    }

    private void answerPlain(String answer) {
        backend.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).willReturn(okJson(answer)));
    }

    private void answerStreamed(String... chunks) {
        String events = String.join("", chunks) + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":20,\"total_tokens\":40}}\n\ndata: [DONE]\n\n";
        backend.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(matchingJsonPath("$.stream", equalTo("true"))).atPriority(1)
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(events)));
    }

    private static String chunk(int index, String delta, String finishReason) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":" + index
                + ",\"delta\":" + delta + ",\"finish_reason\":" + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    /** An EU tenant whose personal data may reach the US only pseudonymised; it may scan answers too. */
    private IssuedApiKey tenant(boolean scanResponses) {
        IssuedApiKey key = TestKeys.developerKey(context, "choices-" + UUID.randomUUID().toString().substring(0, 8), null);
        context.getBean(TenantDatabase.class).tenants().update(key.tenantId(), "Pseudonymising tenant",
                new TenantSettings(Plan.DEFAULT, Set.of("us-east"), Set.of("general"), false, 0));
        ComplianceProfile defaults = Bootstrap.DEFAULT_TENANT_PROFILE;
        context.getBean(ComplianceProfiles.class).save(key.tenantId(), new ComplianceProfile(defaults.defaultPurpose(), Map.of(), Map.of(),
                "pseudonymise", defaults.injectionThreshold(), "block", scanResponses, false));
        catalog.subscribe(key.tenantId(), "us-choices");
        catalogCache.refresh();
        context.getBean(TenantDirectory.class).refresh();
        return key;
    }

    private HttpResponse<String> chat(IssuedApiKey key, String prompt, boolean stream) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "us-choices", "stream", stream, "n", 2, "messages", List.of(
                Map.of("role", "system", "content", SYSTEM_PROMPT), Map.of("role", "user", "content", prompt))));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A streamed answer put together as a client does: each choice's text and its first tool call's arguments, by index. */
    private record StreamedAnswer(Map<Integer, String> contents, Map<Integer, String> arguments) {

        static StreamedAnswer of(String body) throws Exception {
            Map<Integer, StringBuilder> contents = new TreeMap<>();
            Map<Integer, StringBuilder> arguments = new TreeMap<>();
            for (String event : body.split("\n\n")) {
                if (!event.startsWith("data: {")) {
                    continue;
                }
                for (JsonNode choice : JSON.readTree(event.substring("data: ".length())).path("choices")) {
                    int index = choice.path("index").asInt();
                    contents.computeIfAbsent(index, i -> new StringBuilder()).append(choice.at("/delta/content").asText(""));
                    for (JsonNode call : choice.at("/delta/tool_calls")) {
                        arguments.computeIfAbsent(index, i -> new StringBuilder()).append(call.at("/function/arguments").asText(""));
                    }
                }
            }
            return new StreamedAnswer(asStrings(contents), asStrings(arguments));
        }

        private static Map<Integer, String> asStrings(Map<Integer, StringBuilder> built) {
            Map<Integer, String> out = new TreeMap<>();
            built.forEach((index, text) -> out.put(index, text.toString()));
            return out;
        }

        String content(int index) {
            return contents.getOrDefault(index, "");
        }

        String arguments(int index) {
            return arguments.getOrDefault(index, "");
        }
    }
}
