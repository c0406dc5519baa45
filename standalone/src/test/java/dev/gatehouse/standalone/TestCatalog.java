package dev.gatehouse.standalone;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.gatehouse.backends.BuiltinBackendServer;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Platform models written straight into a running marketplace's catalog, which then serves them at once. */
public final class TestCatalog {

    /** The chat simulator at a price high enough that a few calls spend a budget: 100 and 1000 USD per million tokens. */
    static final String PRICEY_MODEL = "pricey-chat";

    private TestCatalog() {
    }

    /** A public model of the test publisher, priced per million tokens from now on, with these backends. */
    public static void platformModel(ApplicationContext app, String modelId, ModelKind kind, String description,
                              String inputPrice, String outputPrice, ModelBackend... backends) {
        save(app, CatalogModel.platformModel(modelId, kind, ModelDescription.of(modelId, "test publisher", description),
                ModelPrice.perMillionTokens(Instant.now(), inputPrice, outputPrice), false, Set.of(), List.of(backends)));
    }

    /** {@code modelId}'s one backend, in eu-west, at a recording WireMock server that knows it as {@code upstream-<modelId>}. */
    public static ModelBackend recordedBackend(WireMockServer server, String modelId) {
        return new ModelBackend(modelId + "@eu", modelId, URI.create("http://127.0.0.1:" + server.port() + "/v1"), "upstream-" + modelId, "eu-west");
    }

    /** {@link #PRICEY_MODEL}, served by this marketplace's chat simulator in eu-central. */
    static void priceySimulator(ApplicationContext app) {
        save(app, CatalogModel.platformModel(PRICEY_MODEL, ModelKind.CHAT,
                ModelDescription.of("Pricey simulator", "test", "the simulator at a high price"),
                ModelPrice.perMillionTokens(Instant.now().minusSeconds(60), "100", "1000"), true, Set.of(),
                List.of(new ModelBackend("pricey@eu-central", PRICEY_MODEL, app.getBean(BuiltinBackendServer.class).chatBaseUrl(),
                        BuiltinBackendServer.CHAT_UPSTREAM_MODEL, "eu-central"))));
    }

    private static void save(ApplicationContext app, CatalogModel model) {
        app.getBean(CatalogRepository.class).saveModel(model);
        app.getBean(CachedModelCatalog.class).refresh();
    }
}
