package dev.gatehouse.catalog;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachedModelCatalogTest {

    private CatalogRepository repository;

    @BeforeEach
    void migrateFreshDatabase() {
        repository = CatalogRepository.migrate(TestPostgres.freshDatabase(), TestSecrets.inTemporaryKeystore());
    }

    @Test
    void findsSavedModelWithItsBackendsAndPrices() {
        repository.saveModel(chatModel("llama-3-8b", new ModelBackend("llama-eu", "llama-3-8b",
                URI.create("http://10.1.0.5:8000/v1"), "meta-llama/Meta-Llama-3-8B-Instruct", "eu-west")));

        CatalogModel model = new CachedModelCatalog(repository).find("llama-3-8b").orElseThrow();

        assertThat(model.kind()).isEqualTo(ModelKind.CHAT);
        assertThat(model.priceAt(Instant.now()).inputPerMillionTokens()).isEqualByComparingTo("0.20");
        assertThat(model.backends()).singleElement().satisfies(backend -> {
            assertThat(backend.region()).isEqualTo("eu-west");
            assertThat(backend.endpoint("/chat/completions")).isEqualTo(URI.create("http://10.1.0.5:8000/v1/chat/completions"));
        });
    }

    @Test
    void seesNewModelsOnlyAfterRefresh() {
        CachedModelCatalog catalog = new CachedModelCatalog(repository);
        repository.saveModel(chatModel("mistral-7b"));

        assertThat(catalog.find("mistral-7b")).isEmpty();
        catalog.refresh();
        assertThat(catalog.find("mistral-7b")).isPresent();
    }

    @Test
    void listsModelsSortedById() {
        repository.saveModel(chatModel("zeta"));
        repository.saveModel(chatModel("alpha"));

        assertThat(new CachedModelCatalog(repository).models()).extracting(CatalogModel::id).containsExactly("alpha", "zeta");
    }

    @Test
    void savingAgainUpdatesInsteadOfDuplicating() {
        repository.saveModel(chatModel("alpha"));
        repository.saveModel(CatalogModel.platformModel("alpha", ModelKind.CHAT, ModelDescription.of("Alpha v2", "acme", "second"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "10"), false, Set.of("health"), List.of()));

        assertThat(new CachedModelCatalog(repository).models()).singleElement()
                .extracting(model -> model.description().displayName()).isEqualTo("Alpha v2");
    }

    @Test
    void keepsCertifiedSpecialCategories() {
        repository.saveModel(CatalogModel.platformModel("med", ModelKind.CHAT, ModelDescription.of("Med", "acme", "clinical"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false, Set.of("health", "genetic"), List.of()));

        assertThat(new CachedModelCatalog(repository).find("med").orElseThrow().certifiedSpecialCategories())
                .containsExactlyInAnyOrder("health", "genetic");
    }

    @Test
    void knowsWhichTenantSubscribedToWhichModelAfterRefresh() {
        UUID acme = UUID.randomUUID();
        UUID globex = UUID.randomUUID();
        repository.saveModel(chatModel("alpha"));
        CachedModelCatalog catalog = new CachedModelCatalog(repository);

        repository.subscribe(acme, "alpha");
        repository.subscribe(acme, "alpha");
        catalog.refresh();

        CatalogModel alpha = catalog.find("alpha").orElseThrow();
        assertThat(catalog.isEntitled(acme, alpha)).isTrue();
        assertThat(catalog.isEntitled(globex, alpha)).isFalse();
        assertThat(repository.unsubscribe(acme, "alpha")).isTrue();
        catalog.refresh();
        assertThat(catalog.isEntitled(acme, alpha)).isFalse();
    }

    @Test
    void listsRegionsOfAllBackends() {
        CatalogModel model = chatModel("multi",
                new ModelBackend("b-eu", "multi", URI.create("http://eu/v1"), "m", "eu-west"),
                new ModelBackend("b-us", "multi", URI.create("http://us/v1"), "m", "us-east"));

        assertThat(model.regions()).containsExactly("eu-west", "us-east");
    }

    @Test
    void rejectsBackendWithMalformedRegionCode() {
        assertThatThrownBy(() -> repository.saveModel(chatModel("alpha", new ModelBackend("b1", "alpha",
                URI.create("http://localhost:1/v1"), "alpha", "Europe West"))))
                .hasMessageContaining("backends_region_check");
    }

    @Test
    void aRefreshDuringASaveSeesTheModelWithAllItsBackendsOrNotAtAll() throws Exception {
        CachedModelCatalog catalog = new CachedModelCatalog(repository);
        java.util.concurrent.ExecutorService saver = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<?> saving = saver.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    String id = "model-" + i;
                    repository.saveModel(chatModel(id,
                            new ModelBackend(id + "-eu", id, URI.create("http://10.1.0.5:8000/v1"), "m", "eu-west"),
                            new ModelBackend(id + "-us", id, URI.create("http://10.1.0.6:8000/v1"), "m", "us-east")));
                }
            });
            while (!saving.isDone()) {
                catalog.refresh();
                assertThat(catalog.models()).allSatisfy(model -> assertThat(model.backends()).hasSize(2));
            }
            saving.get();
        } finally {
            saver.shutdownNow();
        }
    }

    private static CatalogModel chatModel(String id, ModelBackend... backends) {
        return CatalogModel.platformModel(id, ModelKind.CHAT, ModelDescription.of(id, "acme", "a test model"),
                ModelPrice.perMillionTokens(Instant.now(), "0.20", "0.60"), false, Set.of(), List.of(backends));
    }
}
