package dev.gatehouse.standalone;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every call is metered on its own, keyed by the gateway's call id, with the tokens the caller was shown. */
@MarketplaceTest
class UsageMeteringTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageLedger ledger;
    @Autowired
    @Qualifier("usageWriter")
    AsyncBatchWriter<UsageRecord> usageWriter;

    @Test
    void threeCallsWithTheSameRequestIdAreThreeUsageRecords() throws Exception {
        IssuedApiKey key = TestKeys.developerKey(context, "repeats-request-ids", null);
        List<String> callIds = new ArrayList<>();
        for (String message : List.of("Good morning to you.", "Good afternoon to you.", "Good evening to you.")) {
            HttpResponse<String> response = chat(key, "the-same-id", message);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Request-Id")).contains("the-same-id");
            callIds.add(response.headers().firstValue("X-Gatehouse-Call-Id").orElseThrow());
        }
        assertThat(usageWriter.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(callIds).doesNotHaveDuplicates();
        assertThat(ledger.findByRequestId(key.tenantId(), "the-same-id")).extracting(UsageRecord::callId)
                .containsExactlyInAnyOrderElementsOf(callIds);
    }

    @Test
    void theSameRequestIdInTwoTenantsLosesNeitherCall() throws Exception {
        IssuedApiKey first = TestKeys.developerKey(context, "first-with-shared-id", null);
        IssuedApiKey second = TestKeys.developerKey(context, "second-with-shared-id", null);

        String firstCall = chat(first, "shared-request-id", "Hello from the first tenant.").headers().firstValue("X-Gatehouse-Call-Id").orElseThrow();
        String secondCall = chat(second, "shared-request-id", "Hello from the second tenant.").headers().firstValue("X-Gatehouse-Call-Id").orElseThrow();
        assertThat(usageWriter.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(ledger.findByRequestId(first.tenantId(), "shared-request-id")).extracting(UsageRecord::callId).containsExactly(firstCall);
        assertThat(ledger.findByRequestId(second.tenantId(), "shared-request-id")).extracting(UsageRecord::callId).containsExactly(secondCall);
    }

    @Test
    void plainAndStreamedCallsAreMeteredWithExactlyTheTokensTheBackendReported() throws Exception {
        IssuedApiKey key = TestKeys.developerKey(context, "exact-token-accounting", null);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key.token()).maxRetries(0).build();

        ChatCompletion plain = client.chat().completions().create(chat("Describe the weather in spring.").build());
        CompletionUsage streamedUsage = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("Describe the sea at night.")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                streamedUsage = chunk.usage().orElse(streamedUsage);
            }
        }
        assertThat(usageWriter.flush(Duration.ofSeconds(10))).isTrue();

        List<UsageRecord> records = ledger.findByKey(key.keyId());
        CompletionUsage plainUsage = plain.usage().orElseThrow();
        CompletionUsage streamed = streamedUsage;
        assertThat(records).hasSize(2);
        assertThat(records).filteredOn(record -> !record.streamed()).singleElement().satisfies(record -> {
            assertThat(record.tokens().promptTokens()).isEqualTo(plainUsage.promptTokens());
            assertThat(record.tokens().completionTokens()).isEqualTo(plainUsage.completionTokens());
            assertThat(record.tokens().reportedByBackend()).isTrue();
            assertThat(record.countedWith()).isNull();
        });
        assertThat(records).filteredOn(UsageRecord::streamed).singleElement().satisfies(record -> {
            assertThat(record.tokens().promptTokens()).isEqualTo(streamed.promptTokens());
            assertThat(record.tokens().completionTokens()).isEqualTo(streamed.completionTokens());
            assertThat(record.firstTokenMillis()).isNotNull().isLessThanOrEqualTo(record.latencyMillis());
        });
    }

    private HttpResponse<String> chat(IssuedApiKey key, String requestId, String message) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(RunningMarketplace.CHAT_BODY_TEMPLATE.formatted(message)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ChatCompletionCreateParams.Builder chat(String message) {
        return ChatCompletionCreateParams.builder().model("chat-simulator").addUserMessage(message);
    }
}
