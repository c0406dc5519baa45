package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools and structured outputs reach the backend exactly as the caller sent them: the gateway
 * replaces the model name and nothing else of a chat request it does not have to change.
 */
@MarketplaceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatFieldsPassThroughTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PASSED_THROUGH = List.of("tools", "tool_choice", "parallel_tool_calls", "response_format", "n",
            "logprobs", "top_logprobs", "seed", "temperature", "stop", "user", "messages");
    private static final String REQUEST = """
            {"model":"tools-chat",
             "messages":[{"role":"system","content":"You are a weather assistant."},
                         {"role":"user","content":"What is the weather in Lisbon today?"},
                         {"role":"assistant","content":null,"tool_calls":[{"id":"call_w1","type":"function",
                           "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Lisbon\\"}"}}]},
                         {"role":"tool","tool_call_id":"call_w1","content":"Sunny, 24 degrees."}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather of a city",
                       "strict":true,"parameters":{"type":"object","properties":{"city":{"type":"string","description":"The city"}},
                       "required":["city"],"additionalProperties":false}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"forecast","strict":true,
                       "schema":{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}}},
             "n":2, "logprobs":true, "top_logprobs":3, "seed":424242, "temperature":0.2, "stop":["END"], "user":"end-user-17"}
            """;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    CatalogRepository catalog;
    @Autowired
    CachedModelCatalog catalogCache;

    private RecordingBackends backends;

    @BeforeAll
    void catalogueRecordedModel() {
        backends = new RecordingBackends();
        backends.catalogue(catalog, catalogCache, "tools-chat", Set.of(), RecordingBackends.EU);
    }

    @AfterAll
    void stopBackends() {
        backends.close();
    }

    @Test
    void toolsToolChoiceResponseFormatNLogprobsAndSeedReachTheBackendUnchanged() throws Exception {
        IssuedApiKey key = TestKeys.developerKey(context, "pass-through", null);
        backends.reset();

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode sent = JSON.readTree(REQUEST);
        List<String> received = backends.received().get(RecordingBackends.EU);
        assertThat(received).hasSize(1);
        JsonNode forwarded = JSON.readTree(received.get(0));
        assertThat(forwarded.get("model").asText()).isEqualTo("upstream-tools-chat");
        for (String field : PASSED_THROUGH) {
            assertThat(forwarded.get(field)).as(field).isEqualTo(sent.get(field));
        }
        assertThat(fieldNames(forwarded)).isEqualTo(fieldNames(sent));
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new java.util.TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
