package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.responses.StoredResponses;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantLifecycle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stored responses through the official OpenAI Java SDK ({@code store}, {@code previous_response_id},
 * {@code client.responses().retrieve/delete}): kept only for tenants whose settings log content,
 * encrypted with the tenant's key, visible to that tenant alone, erased with it (decision 0821).
 */
@MarketplaceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDED_MODEL = "remembering-chat";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    StoredResponses storedResponses;

    private final WireMockServer chatBackend = RecordingBackends.startedServer();

    @BeforeAll
    void catalogueRecordingBackend() {
        chatBackend.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        TestCatalog.platformModel(context, RECORDED_MODEL, ModelKind.CHAT, "recorded backend", "1", "1",
                TestCatalog.recordedBackend(chatBackend, RECORDED_MODEL));
    }

    @AfterAll
    void stopBackend() {
        chatBackend.stop();
    }

    @Test
    void keepsAResponseThatRetrieveReturnsAndDeleteForgets() {
        OpenAIClient client = clientFor(keyOfTenantLoggingContent());
        Response created = client.responses().create(ResponseCreateParams.builder().model("chat-simulator").store(true)
                .input("Please keep this note about the quarterly report.").build());

        assertThat(kept(created)).isTrue();
        Response retrieved = client.responses().retrieve(created.id());
        retrieved.validate();
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(outputText(retrieved)).isEqualTo(outputText(created)).endsWith("Please keep this note about the quarterly report.");

        client.responses().delete(created.id());

        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().delete(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void keepsTheResponseOfAStreamToo() {
        OpenAIClient client = clientFor(keyOfTenantLoggingContent());
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("chat-simulator").store(true).input("Stream and keep this answer, please").build())) {
            stream.stream().forEach(events::add);
        }

        Response completed = events.get(events.size() - 1).completed().orElseThrow().response();
        assertThat(kept(completed)).isTrue();
        assertThat(outputText(client.responses().retrieve(completed.id()))).isEqualTo(outputText(completed));
    }

    @Test
    void aPreviousResponseIdSendsTheKeptConversationBeforeTheNewInput() throws Exception {
        OpenAIClient client = clientFor(keyOfTenantLoggingContent());
        RecordingBackends.awaitAdmitted(context, RECORDED_MODEL + "@eu");
        Response first = client.responses().create(ResponseCreateParams.builder().model(RECORDED_MODEL).store(true)
                .input("My favourite colour is teal.").build());
        chatBackend.resetRequests();

        Response second = client.responses().create(ResponseCreateParams.builder().model(RECORDED_MODEL)
                .previousResponseId(first.id()).instructions("Answer briefly.").input("Which colour do I like?").build());

        assertThat(second.previousResponseId()).hasValue(first.id());
        assertThat(kept(second)).isFalse();
        JsonNode sent = JSON.readTree(chatBackend.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).get(0).getBodyAsString());
        assertThat(sent.get("messages")).extracting(message -> message.get("role").asText() + ": " + contentOf(message))
                .containsExactly("system: Answer briefly.", "user: My favourite colour is teal.", "assistant: ok",
                        "user: Which colour do I like?");
    }

    @Test
    void anotherTenantsResponseIsNotFoundWhateverItAsks() {
        Response created = clientFor(keyOfTenantLoggingContent()).responses().create(ResponseCreateParams.builder().model("chat-simulator")
                .store(true).input("The weather in Lisbon is sunny today.").build());
        OpenAIClient otherTenant = clientFor(keyOfTenantLoggingContent());

        assertThatThrownBy(() -> otherTenant.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherTenant.responses().delete(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherTenant.responses().create(ResponseCreateParams.builder().model("chat-simulator")
                .previousResponseId(created.id()).input("Tell me what it said.").build()))
                .isInstanceOfSatisfying(NotFoundException.class, refused -> assertThat(refused.param()).hasValue("previous_response_id"));
        assertThatThrownBy(() -> otherTenant.responses().retrieve("resp_never_made")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aTenantThatDoesNotLogContentIsRefusedStoredResponses() {
        OpenAIClient client = clientFor(TestKeys.developerKey(context, "no-content-log", null));

        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("chat-simulator").store(true)
                .input("Keep this, please.").build()))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> {
                    assertThat(refused.code()).hasValue("response_storage_not_allowed");
                    assertThat(refused.param()).hasValue("store");
                });
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("chat-simulator")
                .previousResponseId("resp_anything").input("Continue, please.").build()))
                .isInstanceOfSatisfying(BadRequestException.class, refused -> assertThat(refused.param()).hasValue("previous_response_id"));
        Response unstored = client.responses().create(ResponseCreateParams.builder().model("chat-simulator").store(false)
                .input("Nothing to keep here.").build());
        assertThat(kept(unstored)).isFalse();
    }

    @Test
    void erasingTheTenantErasesItsResponses() {
        IssuedApiKey key = keyOfTenantLoggingContent();
        Response created = clientFor(key).responses().create(ResponseCreateParams.builder().model("chat-simulator").store(true)
                .input("Something to forget with my tenant.").build());
        Tenant tenant = context.getBean(TenantDatabase.class).tenants().find(key.tenantId()).orElseThrow();
        assertThat(storedResponses.find(tenant.id(), created.id())).isPresent();

        context.getBean(TenantLifecycle.class).erase(tenant);

        assertThat(storedResponses.find(tenant.id(), created.id())).isEmpty();
    }

    private IssuedApiKey keyOfTenantLoggingContent() {
        return TestKeys.keyOfTenantLoggingContent(context, "keeper");
    }

    private OpenAIClient clientFor(IssuedApiKey key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key.token()).maxRetries(0).build();
    }

    /** The response's {@code store}, which the SDK keeps among the fields it does not model. */
    private static boolean kept(Response response) {
        return response._additionalProperties().get("store").convert(Boolean.class);
    }

    private static String contentOf(JsonNode message) {
        JsonNode content = message.get("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText("")));
        return text.toString();
    }

    private static String outputText(Response response) {
        return response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream())
                .map(text -> text.text()).reduce("", String::concat);
    }
}
