package dev.gatehouse.catalog.file;

import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.SubscriptionStatus;
import dev.gatehouse.catalog.TestBackendUrls;
import dev.gatehouse.catalog.TestSecrets;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogFileTest {

    private static final UUID DEFAULT_TENANT = UUID.randomUUID();
    private static final String CATALOG = """
            models:
              - id: llama-3.1-70b
                kind: chat
                display_name: Llama 3.1 70B Instruct
                publisher: Meta, served by Acme GPU
                license: llama3.1
                context_length: 131072
                certifications: [gdpr-ready]
                pricing: {input_per_million_tokens: 0.55, output_per_million_tokens: 1.65, currency: EUR}
                backends:
                  - id: llama-eu-1
                    base_url: https://gpu-eu.example.com/v1
                    upstream_model: meta-llama/Llama-3.1-70B-Instruct
                    region: eu-west
                    max_concurrent_requests: 32
                    credential: {type: bearer, from_env: LLAMA_EU_TOKEN}
                  - id: llama-eu-2
                    base_url: https://gpu-eu2.example.com/v1
                    upstream_model: meta-llama/Llama-3.1-70B-Instruct
                    region: eu-central
                    credential: {type: api_key, header: x-api-key, from_vault: "secret/data/gpu#key"}
            subscriptions:
              - {tenant: default, model: llama-3.1-70b}
            """;

    private final BackendUrlPolicy publicAddresses = TestBackendUrls.everyHostPublic();
    private final SecretReferences secrets = new SecretReferences() {
        @Override
        public Optional<String> environmentVariable(String name) {
            return Optional.ofNullable(Map.of("LLAMA_EU_TOKEN", "env-token-1").get(name));
        }

        @Override
        public Optional<String> vault(String path, String field) {
            return path.equals("secret/data/gpu") && field.equals("key") ? Optional.of("vault-key-2") : Optional.empty();
        }
    };
    private CatalogRepository repository;

    @BeforeEach
    void freshCatalog() {
        repository = CatalogRepository.migrate(TestPostgres.freshDatabase(), TestSecrets.inTemporaryKeystore());
    }

    @Test
    void declaresTheInjectionClassifierWithItsInferenceServersAsAModelOfItsOwnKind() {
        read("""
                models:
                  - id: injection-classifier
                    kind: injection-classifier
                    display_name: Prompt-injection classifier on GPUs
                    pricing: {input_per_million_tokens: 0, output_per_million_tokens: 0}
                    backends:
                      - id: classifier-eu-1
                        base_url: https://triton-eu.example.com/v2
                        upstream_model: gatehouse-injection
                        region: eu-west
                        credential: {type: bearer, from_env: LLAMA_EU_TOKEN}
                """).applyTo(repository);

        CatalogModel classifier = new CachedModelCatalog(repository).find("injection-classifier").orElseThrow();
        assertThat(classifier.kind()).isEqualTo(ModelKind.INJECTION_CLASSIFIER);
        assertThat(classifier.backends()).singleElement().satisfies(backend -> {
            assertThat(backend.endpoint("/models/gatehouse-injection/infer"))
                    .hasToString("https://triton-eu.example.com/v2/models/gatehouse-injection/infer");
            assertThat(backend.region()).isEqualTo("eu-west");
            assertThat(backend.credential().headerValue()).isEqualTo("Bearer env-token-1");
        });
    }

    @Test
    void appliesModelsBackendsWithReferencedCredentialsAndSubscriptions() {
        read(CATALOG).applyTo(repository);

        CachedModelCatalog catalog = new CachedModelCatalog(repository);
        CatalogModel model = catalog.find("llama-3.1-70b").orElseThrow();
        assertThat(model.ownerTenant()).isNull();
        assertThat(model.description().contextLength()).isEqualTo(131072);
        assertThat(model.priceAt(Instant.now()).currency()).isEqualTo("EUR");
        assertThat(model.backends()).extracting(backend -> backend.credential().headerValue())
                .containsExactlyInAnyOrder("Bearer env-token-1", "vault-key-2");
        assertThat(model.backends()).filteredOn(backend -> backend.id().equals("llama-eu-2")).singleElement()
                .satisfies(backend -> assertThat(backend.credential().headerName()).isEqualTo("x-api-key"));
        assertThat(catalog.subscription(DEFAULT_TENANT, "llama-3.1-70b")).contains(SubscriptionStatus.ACTIVE);
    }

    @Test
    void applyingTheSameFileAgainChangesNothing() {
        read(CATALOG).applyTo(repository);
        read(CATALOG).applyTo(repository);

        CatalogModel model = repository.find("llama-3.1-70b").orElseThrow();
        assertThat(model.prices()).hasSize(1);
        assertThat(model.backends()).hasSize(2);
        assertThat(repository.subscriptionsOfTenant(DEFAULT_TENANT)).hasSize(1);
    }

    @Test
    void aBackendRemovedFromTheFileIsRemovedAndANewPriceIsAddedNotRewritten() {
        read(CATALOG).applyTo(repository);
        String changed = CATALOG.substring(0, CATALOG.indexOf("      - id: llama-eu-2")) + "subscriptions: []\n";

        read(changed.replace("input_per_million_tokens: 0.55", "input_per_million_tokens: 0.45")).applyTo(repository);

        CatalogModel model = repository.find("llama-3.1-70b").orElseThrow();
        assertThat(model.backends()).extracting(backend -> backend.id()).containsExactly("llama-eu-1");
        assertThat(model.prices()).extracting(price -> price.inputPerMillionTokens().toPlainString()).containsExactly("0.550000", "0.450000");
    }

    @Test
    void aModelMayFallBackOnAModelDeclaredAfterItInTheFile() {
        String withFallback = CATALOG.replace("    certifications: [gdpr-ready]\n", "    certifications: [gdpr-ready]\n    fallback_models: [llama-3.1-8b]\n")
                .replace("subscriptions:\n", """
                          - id: llama-3.1-8b
                            kind: chat
                            display_name: Llama 3.1 8B Instruct
                            pricing: {input_per_million_tokens: 0.1, output_per_million_tokens: 0.2}
                        subscriptions:
                        """);

        read(withFallback).applyTo(repository);
        read(withFallback).applyTo(repository);

        assertThat(repository.find("llama-3.1-70b").orElseThrow().fallbackModels()).containsExactly("llama-3.1-8b");
    }

    @Test
    void refusesAFallbackTheFileDoesNotDeclareNamingItsLine() {
        String unknownFallback = CATALOG.replace("    certifications: [gdpr-ready]\n", "    certifications: [gdpr-ready]\n    fallback_models: [gpt-9]\n");

        assertThatThrownBy(() -> read(unknownFallback))
                .isInstanceOf(CatalogFileException.class)
                .hasMessageStartingWith("catalog.yaml:9: models[0].fallback_models: ")
                .hasMessageContaining("'gpt-9'");
    }

    @Test
    void refusesAnInlineSecretNamingItsLine() {
        String inline = CATALOG.replace("{type: bearer, from_env: LLAMA_EU_TOKEN}", "{type: bearer, token: sk-live-123}");

        assertThatThrownBy(() -> read(inline))
                .isInstanceOf(CatalogFileException.class)
                .hasMessageStartingWith("catalog.yaml:16: ")
                .hasMessageContaining("never holds a secret")
                .hasMessageNotContaining("sk-live-123");
    }

    @Test
    void namesTheLineOfAFieldTheAdminApiWouldRefuse() {
        assertThatThrownBy(() -> read(CATALOG.replace("region: eu-central", "region: mars-north")))
                .hasMessageStartingWith("catalog.yaml:20: models[0].backends[1].region: ");
        assertThatThrownBy(() -> read(CATALOG.replace("currency: EUR", "currency: euro")))
                .hasMessageStartingWith("catalog.yaml:9: models[0].pricing");
        assertThatThrownBy(() -> read(CATALOG.replace("    kind: chat\n", "    kind: chat\n    colour: blue\n")))
                .hasMessageStartingWith("catalog.yaml:4: models[0].colour: unknown key");
    }

    @Test
    void refusesABackendUrlOnAPrivateNetworkNamingItsLine() {
        BackendUrlPolicy realResolution = BackendUrlPolicy.PUBLIC_ONLY;
        String privateBackend = CATALOG.replace("https://gpu-eu.example.com/v1", "http://10.0.0.7:8000/v1");

        assertThatThrownBy(() -> CatalogFile.read(new StringReader(privateBackend), "catalog.yaml", realResolution, secrets, this::tenant, Instant.now()))
                .hasMessageStartingWith("catalog.yaml:12: models[0].backends[0].base_url: ");
    }

    @Test
    void refusesMissingEnvironmentVariablesUnknownTenantsAndBrokenYamlNamingTheLine() {
        assertThatThrownBy(() -> read(CATALOG.replace("LLAMA_EU_TOKEN", "NOT_SET_ANYWHERE")))
                .hasMessageStartingWith("catalog.yaml:16: ").hasMessageContaining("NOT_SET_ANYWHERE is not set");
        assertThatThrownBy(() -> read(CATALOG.replace("{tenant: default,", "{tenant: nobody,")))
                .hasMessageStartingWith("catalog.yaml:23: subscriptions[0].tenant: ");
        assertThatThrownBy(() -> read(CATALOG.replace("    kind: chat\n", "    kind: [chat\n")))
                .hasMessageStartingWith("catalog.yaml:").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> read("models:\n  - &a {id: x}\n  - *a\n")).hasMessageContaining("not valid YAML");
    }

    private CatalogFile.Declared read(String yaml) {
        return CatalogFile.read(new StringReader(yaml), "catalog.yaml", publicAddresses, secrets, this::tenant, Instant.now());
    }

    private UUID tenant(String slug) {
        return slug.equals("default") ? DEFAULT_TENANT : null;
    }
}
