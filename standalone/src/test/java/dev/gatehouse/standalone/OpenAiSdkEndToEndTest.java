package dev.gatehouse.standalone;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The marketplace driven by the official OpenAI Java SDK, unchanged but for its base URL. */
@MarketplaceTest
class OpenAiSdkEndToEndTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageLedger ledger;
    @Autowired
    AuditLog auditLog;
    @Autowired
    AuditCheckpoints checkpoints;

    private IssuedApiKey key;
    private OpenAIClient client;

    @BeforeEach
    void developerClient() {
        key = TestKeys.developerKey(context, "sdk-tests", null);
        client = clientWith(key.token());
    }

    @Test
    void listsTheBuiltInModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();

        assertThat(ids).contains("chat-simulator", "all-minilm-l6-v2");
    }

    @Test
    void retrievesAnEntitledModel() {
        Model model = client.models().retrieve("chat-simulator");

        assertThat(model.id()).isEqualTo("chat-simulator");
        assertThat(model.ownedBy()).isNotBlank();
        assertThat(model._additionalProperties()).containsKey("gatehouse");
    }

    @Test
    void retrievesAModelWhoseIdHoldsASlash() {
        catalogue("acme/slashed-model");
        context.getBean(CatalogRepository.class).subscribe(key.tenantId(), "acme/slashed-model");
        context.getBean(CachedModelCatalog.class).refresh();

        assertThat(client.models().retrieve("acme/slashed-model").id()).isEqualTo("acme/slashed-model");
    }

    @Test
    void anUnentitledModelIsNotFoundExactlyLikeOneThatDoesNotExist() {
        catalogue("not-subscribed-model");

        assertThatThrownBy(() -> client.models().retrieve("not-subscribed-model"))
                .isInstanceOfSatisfying(NotFoundException.class, unentitled -> assertThatThrownBy(() -> client.models().retrieve("no-such-model"))
                        .isInstanceOfSatisfying(NotFoundException.class, unknown -> assertThat(unentitled.getMessage().replace("not-subscribed-model", "?"))
                                .isEqualTo(unknown.getMessage().replace("no-such-model", "?"))));
        assertThat(client.models().list().data()).extracting(Model::id).doesNotContain("not-subscribed-model");
    }

    @Test
    void answersTextCompletionWithExactUsageMetered() {
        Completion completion = client.completions().create(textCompletion("Once upon a time there was a lighthouse"));

        assertThat(completion.choices().get(0).text()).endsWith("You said: Once upon a time there was a lighthouse");
        CompletionUsage usage = completion.usage().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(usageOfThisKey()).singleElement().satisfies(record -> {
            assertThat(record.endpoint()).isEqualTo("/v1/completions");
            assertThat(record.tokens().reportedByBackend()).isTrue();
            assertThat(record.tokens().promptTokens()).isEqualTo(usage.promptTokens());
            assertThat(record.tokens().completionTokens()).isEqualTo(usage.completionTokens());
        }));
    }

    @Test
    void streamsTextCompletionAndMetersItExactlyWithoutShowingUsage() {
        List<Completion> chunks = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(textCompletion("Stream a short line please"))) {
            stream.stream().forEach(chunks::add);
        }

        String text = chunks.stream().flatMap(chunk -> chunk.choices().stream()).map(CompletionChoice::text).reduce("", String::concat);
        assertThat(text).endsWith("You said: Stream a short line please");
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.usage()).isEmpty());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(usageOfThisKey()).singleElement().satisfies(record -> {
            assertThat(record.streamed()).isTrue();
            assertThat(record.tokens().reportedByBackend()).isTrue();
            assertThat(record.tokens().completionTokens()).isEqualTo(text.strip().split("\\s+").length);
        }));
    }

    @Test
    void promptOfTokenIdsIsRefusedAsUninspectable() {
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("chat-simulator")
                .promptOfArrayOfTokens(List.of(9906L, 1917L)).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("cannot be inspected");
    }

    @Test
    void answersChatCompletionWithUsage() {
        ChatCompletion completion = client.chat().completions().create(chat("Hello from the SDK").build());

        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(
                content -> assertThat(content).endsWith("You said: Hello from the SDK"));
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.promptTokens()).isPositive();
            assertThat(usage.completionTokens()).isPositive();
        });
    }

    @Test
    void streamsChunksIncrementallyWithUsageAtTheEnd() {
        List<Long> contentArrivals = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        long streamEnded;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("count these words please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().stream().flatMap(choice -> choice.delta().content().stream())
                        .filter(text -> !text.isEmpty())
                        .forEach(text -> {
                            contents.add(text);
                            contentArrivals.add(System.nanoTime());
                        });
            });
            streamEnded = System.nanoTime();
        }

        assertThat(String.join("", contents)).endsWith("You said: count these words please");
        assertThat(contents).hasSizeGreaterThan(5);
        // Incremental: the first token was in the caller's hands before the last one was produced.
        assertThat(contentArrivals.get(0)).isLessThan(contentArrivals.get(contentArrivals.size() - 1));
        assertThat(contentArrivals.get(0)).isLessThan(streamEnded);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isEqualTo(contents.size()));
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(chunk -> assertThat(chunk.usage()).isEmpty());
    }

    @Test
    void meterStreamWithoutShowingUsageTheCallerDidNotAskFor() throws Exception {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("Tell me a short story about a lighthouse keeper.").build())) {
            stream.stream().forEach(chunks::add);
        }

        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.usage()).isEmpty());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(usageOfThisKey()).anySatisfy(record -> {
            assertThat(record.streamed()).isTrue();
            assertThat(record.tokens().reportedByBackend()).isTrue();
            assertThat(record.tokens().completionTokens()).isPositive();
        }));
    }

    @Test
    void embedsWithTheRealSentenceEncoder() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("all-minilm-l6-v2")
                .inputOfArrayOfStrings(List.of(
                        "How do I reset my password?",
                        "What are the steps to change my password?",
                        "The orchestra played Beethoven's ninth symphony."))
                .build());

        List<List<Float>> vectors = response.data().stream().map(embedding -> embedding.embedding()).toList();
        assertThat(vectors).hasSize(3).allSatisfy(vector -> assertThat(vector).hasSize(384));
        assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)));
        assertThat(response.usage().promptTokens()).isPositive();
    }

    @Test
    void recordsUsageAndAuditForEveryCall() throws Exception {
        client.chat().completions().create(chat("metered").build());

        await().atMost(Duration.ofSeconds(10)).until(() -> !usageOfThisKey().isEmpty());
        UsageRecord usage = usageOfThisKey().get(0);
        assertThat(usage.modelId()).isEqualTo("chat-simulator");
        assertThat(usage.backendId()).isEqualTo("builtin-chat-simulator");
        assertThat(usage.status()).isEqualTo(200);
        assertThat(usage.cost()).isPositive();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(auditLog.recordsOfRequest(usage.requestId())).singleElement()
                .satisfies(record -> assertThat(record.eventJson()).contains("\"outcome\":\"completed\"")
                        .contains("\"model\":\"chat-simulator\"").doesNotContain("metered")));
        assertThat(checkpoints.findTampering()).isEmpty();
    }

    @Test
    void badKeySurfacesAsAuthenticationError() {
        OpenAIClient intruder = clientWith("gatehouse_kaaaaaaaaaaaaaaaa_" + "A".repeat(43));

        assertThatThrownBy(() -> intruder.chat().completions().create(chat("hi").build()))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("The API key is not valid.");
    }

    @Test
    void unknownModelSurfacesAsNotFound() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-9-imaginary").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("gpt-9-imaginary");
    }

    private void catalogue(String modelId) {
        TestCatalog.platformModel(context, modelId, ModelKind.CHAT, "never called", "1", "1",
                new ModelBackend(modelId + "@eu", modelId, URI.create("http://127.0.0.1:9/v1"), modelId, "eu-west"));
    }

    private static CompletionCreateParams textCompletion(String prompt) {
        return CompletionCreateParams.builder().model("chat-simulator").prompt(prompt).build();
    }

    private List<UsageRecord> usageOfThisKey() {
        return ledger.findByKey(key.keyId());
    }

    private OpenAIClient clientWith(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .build();
    }

    private static ChatCompletionCreateParams.Builder chat(String message) {
        return ChatCompletionCreateParams.builder().model("chat-simulator").addUserMessage(message);
    }

    private static double cosine(List<Float> a, List<Float> b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
            normA += a.get(i) * a.get(i);
            normB += b.get(i) * b.get(i);
        }
        return dot / Math.sqrt(normA * normB);
    }
}
