package dev.gatehouse.standalone;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tenant's plan holds its calls: OpenAI's rate-limit headers on every call, and 429s the OpenAI SDK understands. */
@MarketplaceTest
class RateLimitsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void callsBeyondTheRequestsPerMinuteAre429sThatTheSdkRaisesAsRateLimitException() throws Exception {
        IssuedApiKey key = keyOfTenantWithPlan(new Plan(3, 200_000, null));
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> answered = chat(key, "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there.\"}]}");
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(answered.headers().firstValue("x-ratelimit-limit-requests")).contains("3");
            assertThat(answered.headers().firstValue("x-ratelimit-remaining-requests")).contains(String.valueOf(remaining));
            assertThat(answered.headers().firstValue("x-ratelimit-limit-tokens")).contains("200000");
            assertThat(answered.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
            assertThat(answered.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(reset -> assertThat(reset).matches("\\d+(ms|s|m\\d+s)"));
        }

        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key.token()).maxRetries(0).build();
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("chat-simulator").addUserMessage("One more, please.").build()))
                .isInstanceOfSatisfying(RateLimitException.class, refused -> {
                    assertThat(refused.statusCode()).isEqualTo(429);
                    assertThat(refused.headers().values("Retry-After")).singleElement().satisfies(
                            seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 20));
                })
                .hasMessageContaining("3 requests per minute");

        HttpResponse<String> refused = chat(key, "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"And again.\"}]}");
        ProblemAnswer.of(refused).assertIs(429, "rate_limit_exceeded");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    }

    @Test
    void aCallAllowedMoreOutputThanTheTokensPerMinuteIsRefusedBeforeItRuns() throws Exception {
        IssuedApiKey key = keyOfTenantWithPlan(new Plan(600, 500, null));

        HttpResponse<String> refused = chat(key,
                "{\"model\":\"chat-simulator\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"Write a long essay.\"}]}");

        ProblemAnswer.of(refused).assertIs(429, "rate_limit_exceeded");
        assertThat(ProblemAnswer.of(refused).json().at("/error/message").asText()).contains("500 tokens per minute");
        assertThat(refused.headers().firstValue("x-ratelimit-limit-tokens")).contains("500");
        assertThat(chat(key, "{\"model\":\"chat-simulator\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi.\"}]}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyWithALowerLimitOfItsOwnIsHeldToItWhileTheTenantsOtherKeysGoOn() throws Exception {
        IssuedApiKey unlimited = keyOfTenantWithPlan(new Plan(600, 200_000, null));
        IssuedApiKey slow = context.getBean(TenantDatabase.class).apiKeys().create(unlimited.tenantId(), "slow", Set.of(Role.DEVELOPER),
                new ApiKeyScopes(null, null, 2L, null), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();
        String hello = "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there.\"}]}";

        assertThat(chat(slow, hello).statusCode()).isEqualTo(200);
        HttpResponse<String> second = chat(slow, hello);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-ratelimit-limit-requests")).contains("2");
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
        ProblemAnswer.of(chat(slow, hello)).assertIs(429, "rate_limit_exceeded");

        HttpResponse<String> other = chat(unlimited, hello);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("x-ratelimit-limit-requests")).contains("600");
    }

    private IssuedApiKey keyOfTenantWithPlan(Plan plan) {
        return TestKeys.developerKeyOnPlan(context, "limited-" + UUID.randomUUID().toString().substring(0, 8), plan);
    }

    private HttpResponse<String> chat(IssuedApiKey key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
