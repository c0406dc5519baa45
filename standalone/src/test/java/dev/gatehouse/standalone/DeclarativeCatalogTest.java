package dev.gatehouse.standalone;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's catalog file at start: declared models are callable by the tenants it subscribes, and a bad file stops the start. */
class DeclarativeCatalogTest {

    private static final String ANSWER = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"declared\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    @TempDir
    Path directory;
    private final WireMockServer backend = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void backendThatNeedsTheDeclaredKey() {
        backend.start();
        backend.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer declared-upstream-token-7")).willReturn(okJson(ANSWER)));
    }

    @AfterEach
    void stopBackend() {
        backend.stop();
    }

    @Test
    void declaredModelIsCallableByTheSubscribedTenantWithTheReferencedUpstreamKey() throws Exception {
        Path file = catalogFile("GATEHOUSE_TEST_UPSTREAM_TOKEN");
        try (ConfigurableApplicationContext app = RunningMarketplace.start(directory.resolve("data"), "--gatehouse.catalog.file=" + file)) {
            String developer = developerKeyOfDefaultTenant(app);

            assertThat(RunningMarketplace.post(app, developer, "/v1/chat/completions",
                    "{\"model\":\"declared-llm\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            backend.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                    .withHeader("Authorization", equalTo("Bearer declared-upstream-token-7")));
        }
        try (ConfigurableApplicationContext again = RunningMarketplace.start(directory.resolve("data"), "--gatehouse.catalog.file=" + file)) {
            assertThat(RunningMarketplace.post(again, developerKeyOfDefaultTenant(again), "/v1/chat/completions",
                    "{\"model\":\"declared-llm\",\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}").statusCode())
                    .as("applying the file at a second start changes nothing").isEqualTo(200);
        }
    }

    @Test
    void aFileReferencingAnUnsetVariableStopsTheStartNamingItsLine() throws Exception {
        Path file = catalogFile("GATEHOUSE_VARIABLE_NOBODY_SET");

        assertThatThrownBy(() -> RunningMarketplace.start(directory.resolve("bad"), "--gatehouse.catalog.file=" + file).close())
                .hasStackTraceContaining(file + ":14: models[0].backends[0].credential.from_env: the environment variable "
                        + "GATEHOUSE_VARIABLE_NOBODY_SET is not set");
    }

    private Path catalogFile(String tokenVariable) throws Exception {
        return Files.writeString(directory.resolve("catalog.yaml"), """
                models:
                  - id: declared-llm
                    kind: chat
                    display_name: A declared model
                    publisher: Operator
                    pricing: {input_per_million_tokens: 0.2, output_per_million_tokens: 0.6}
                    certifications: [gdpr-ready]
                    backends:
                      - id: declared-eu-1
                        base_url: http://127.0.0.1:%d/v1
                        upstream_model: upstream-llm
                        region: eu-west
                        credential:
                          {type: bearer, from_env: %s}
                subscriptions:
                  - {tenant: default, model: declared-llm}
                """.formatted(backend.port(), tokenVariable));
    }

    private static String developerKeyOfDefaultTenant(ConfigurableApplicationContext app) {
        TenantDatabase database = app.getBean(TenantDatabase.class);
        IssuedApiKey key = database.apiKeys().create(database.tenants().findBySlug("default").orElseThrow().id(), "declared",
                Set.of(Role.DEVELOPER), null);
        app.getBean(ApiKeyAuthenticator.class).refresh();
        return key.token();
    }
}
