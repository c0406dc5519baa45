package dev.gatehouse.catalog;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogRepositoryTest {

    private static final UUID PUBLISHER = UUID.randomUUID();
    private static final UUID BUYER = UUID.randomUUID();
    private static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");

    private DataSource database;
    private CatalogRepository repository;

    @BeforeEach
    void freshCatalog() {
        database = TestPostgres.freshDatabase();
        repository = CatalogRepository.migrate(database, TestSecrets.inTemporaryKeystore());
    }

    @Test
    void storesUpstreamCredentialsSealedAndGivesThemBackOnlyInMemory() {
        ModelBackend backend = new ModelBackend("gpu-1", "private-llm", URI.create("https://gpu.example.com/v1"), "llm", "eu-west")
                .withCredential(UpstreamCredential.bearer("up-secret-123"));
        repository.createModel(model("private-llm", Visibility.PRIVATE));
        assertThat(repository.createBackend(backend)).isTrue();

        byte[] stored = JdbcClient.create(database).sql("SELECT credential_sealed FROM catalog.backends WHERE id = 'gpu-1'")
                .query(byte[].class).single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("up-secret-123");
        UpstreamCredential read = repository.find("private-llm").orElseThrow().backends().get(0).credential();
        assertThat(read.headerValue()).isEqualTo("Bearer up-secret-123");
        assertThat(read.toString()).doesNotContain("up-secret-123");
    }

    @Test
    void aCredentialSealedUnderAnotherKeyIsKnownButUnreadable() {
        repository.createModel(model("llm", Visibility.PUBLIC));
        repository.createBackend(new ModelBackend("gpu-1", "llm", URI.create("https://gpu.example.com/v1"), "llm", "eu-west")
                .withCredential(UpstreamCredential.apiKey("x-api-key", "key-1")));

        CatalogRepository otherKeystore = CatalogRepository.migrate(database, TestSecrets.inAnotherTemporaryKeystore());

        UpstreamCredential credential = otherKeystore.find("llm").orElseThrow().backends().get(0).credential();
        assertThat(credential.readable()).isFalse();
        assertThat(credential.headerName()).isEqualTo("x-api-key");
    }

    @Test
    void keepsEveryBackendSetting() {
        repository.createModel(model("llm", Visibility.PUBLIC));
        BackendCapacity capacity = new BackendCapacity("H100", 8, 32, 300, Duration.ofMillis(750), Duration.ofSeconds(45),
                Duration.ofSeconds(5));
        repository.createBackend(new ModelBackend("gpu-1", "llm", URI.create("https://gpu.example.com/v1"), "llm", "us-east", capacity,
                BackendTls.DEFAULT, null, null, true));

        ModelBackend read = repository.find("llm").orElseThrow().backends().get(0);

        assertThat(read.capacity()).isEqualTo(capacity);
        assertThat(read.servesResponsesApi()).isTrue();
        assertThat(read.credential()).isNull();
        assertThat(repository.createBackend(read)).as("a duplicate id is refused").isFalse();
    }

    @Test
    void aNewPriceIsAddedToTheHistoryAndSavingTheSameTariffAgainAddsNothing() {
        CatalogModel model = model("llm", Visibility.PUBLIC);
        repository.createModel(model);
        ModelPrice later = new ModelPrice(CREATED.plus(Duration.ofDays(10)), new BigDecimal("2"), new BigDecimal("4"), BigDecimal.ZERO, "USD");

        repository.updateModel(withPrices(model, List.of(model.prices().get(0), later)));
        repository.updateModel(withPrices(model, List.of(model.prices().get(0), later)));
        repository.saveModel(withPrices(model, List.of(ModelPrice.perMillionTokens(Instant.now(), "2", "4"))));

        CatalogModel read = repository.find("llm").orElseThrow();
        assertThat(read.prices()).hasSize(2);
        assertThat(read.priceAt(CREATED.plusSeconds(1)).inputPerMillionTokens()).isEqualByComparingTo("1");
        assertThat(read.priceAt(Instant.now()).inputPerMillionTokens()).isEqualByComparingTo("2");
    }

    @Test
    void sharedModelsAreVisibleToTheNamedTenantsAndTheirPublisherOnly() {
        repository.createModel(new CatalogModel("shared-llm", ModelKind.CHAT, PUBLISHER, ModelDescription.of("Shared", "Acme", ""),
                ModelCompliance.NONE, ModelLifecycle.GENERALLY_AVAILABLE, new ModelAccess(Visibility.SHARED, Set.of(BUYER), true),
                List.of(ModelPrice.perMillionTokens(CREATED, "1", "1")), false, CREATED, List.of(), List.of()));

        CatalogModel read = repository.find("shared-llm").orElseThrow();

        assertThat(read.visibleTo(BUYER)).isTrue();
        assertThat(read.visibleTo(PUBLISHER)).isTrue();
        assertThat(read.visibleTo(UUID.randomUUID())).isFalse();
        assertThat(read.access().approvalRequired()).isTrue();
    }

    @Test
    void onlyAnActiveSubscriptionToAVisibleModelEntitles() {
        repository.createModel(model("llm", Visibility.PUBLIC));
        CachedModelCatalog catalog = new CachedModelCatalog(repository);

        assertThat(repository.subscribe(BUYER, "llm", SubscriptionStatus.PENDING)).isTrue();
        assertThat(repository.subscribe(BUYER, "llm", SubscriptionStatus.ACTIVE)).as("one subscription per tenant and model").isFalse();
        catalog.refresh();
        assertThat(catalog.isEntitled(BUYER, catalog.find("llm").orElseThrow())).isFalse();

        assertThat(repository.decide(BUYER, "llm", SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE)).isTrue();
        catalog.refresh();
        assertThat(catalog.isEntitled(BUYER, catalog.find("llm").orElseThrow())).isTrue();

        repository.updateModel(model("llm", Visibility.PRIVATE));
        catalog.refresh();
        assertThat(catalog.isEntitled(BUYER, catalog.find("llm").orElseThrow())).as("a model turned private entitles nobody else").isFalse();
    }

    @Test
    void backendsLocalToThisProcessAreMergedInMemoryAndNeverStored() {
        repository.saveModel(model("llm", Visibility.PUBLIC));
        CachedModelCatalog catalog = new CachedModelCatalog(repository);

        catalog.addLocalBackends(List.of(new ModelBackend("builtin", "llm", URI.create("http://127.0.0.1:9/v1"), "llm", "eu-west")
                .localTo("instance-a")));

        assertThat(catalog.find("llm").orElseThrow().backends()).extracting(ModelBackend::localToInstance).containsExactly("instance-a");
        assertThat(repository.find("llm").orElseThrow().backends()).isEmpty();
    }

    private static CatalogModel model(String id, Visibility visibility) {
        return new CatalogModel(id, ModelKind.CHAT, PUBLISHER, ModelDescription.of(id, "Acme", "a model"), ModelCompliance.NONE,
                ModelLifecycle.GENERALLY_AVAILABLE, new ModelAccess(visibility, Set.of(), false),
                List.of(ModelPrice.perMillionTokens(CREATED, "1", "2")), false, CREATED, List.of(), List.of());
    }

    private static CatalogModel withPrices(CatalogModel model, List<ModelPrice> prices) {
        return new CatalogModel(model.id(), model.kind(), model.ownerTenant(), model.description(), model.compliance(), model.lifecycle(),
                model.access(), prices, model.simulator(), model.createdAt(), model.backends(), model.fallbackModels());
    }
}
