package dev.gatehouse.standalone;

import dev.gatehouse.backends.BuiltinBackendServer;
import dev.gatehouse.backends.ChatSimulatorSettings;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelKind;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Starts the built-in backends on their own loopback port and lists their models in the catalog,
 * so that the marketplace answers calls without a GPU. The gateway reaches them over HTTP like any
 * remote backend. Each process's built-in backends are its own: they are added to this process's
 * catalog only, never stored, so replicas on one database do not overwrite each other's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gatehouse.builtin-backends.enabled", havingValue = "true", matchIfMissing = true)
class BuiltinBackendsConfiguration {

    static final String EMBEDDINGS_MODEL = "all-minilm-l6-v2";
    static final String CHAT_MODEL = "chat-simulator";

    @Bean(destroyMethod = "close")
    BuiltinBackendServer builtinBackendServer(
            @Value("${gatehouse.builtin-backends.host:127.0.0.1}") String host,
            @Value("${gatehouse.builtin-backends.port:0}") int port,
            @Value("${gatehouse.builtin-backends.chat-simulator.first-token-latency:50ms}") Duration firstTokenLatency,
            @Value("${gatehouse.builtin-backends.chat-simulator.inter-token-latency:10ms}") Duration interTokenLatency,
            @Value("${gatehouse.builtin-backends.region:eu-central}") String region,
            CatalogRepository catalog, CachedModelCatalog cachedCatalog, GatewayInstance instance, BackendUrlPolicy backendUrls) {
        BuiltinBackendServer server = BuiltinBackendServer.start(host, port,
                new ChatSimulatorSettings(firstTokenLatency, interTokenLatency, ChatSimulatorSettings.DEFAULTS.maxCompletionTokens()));
        Instant now = Instant.now();
        catalog.saveModel(CatalogModel.platformModel(EMBEDDINGS_MODEL, ModelKind.EMBEDDINGS,
                ModelDescription.of("all-MiniLM-L6-v2 (quantised, CPU)", "sentence-transformers",
                        "Sentence embeddings, 384 dimensions, run in-process on the CPU from the ONNX model shipped with Gatehouse."),
                ModelPrice.perMillionTokens(now, "0.01", "0"), false, Set.of(), List.of()));
        catalog.saveModel(CatalogModel.platformModel(CHAT_MODEL, ModelKind.CHAT,
                ModelDescription.of("Chat simulator (not a model)", "gatehouse",
                        "A simulator for trying the gateway without a GPU: it answers every chat with a fixed sentence quoting "
                                + "your last message, streamed at a configurable pace. It is not a language model."),
                ModelPrice.perMillionTokens(now, "0.1", "0.3"), true, Set.of(), List.of()));
        List<ModelBackend> backends = List.of(
                new ModelBackend("builtin-minilm", EMBEDDINGS_MODEL, server.embeddingsBaseUrl(), BuiltinBackendServer.EMBEDDINGS_UPSTREAM_MODEL,
                        region).localTo(instance.id()),
                new ModelBackend("builtin-chat-simulator", CHAT_MODEL, server.chatBaseUrl(), BuiltinBackendServer.CHAT_UPSTREAM_MODEL,
                        region).localTo(instance.id()));
        // The built-in backends listen on loopback: they are admitted by the configured allowed networks like any backend.
        backends.forEach(backend -> backendUrls.check(backend.baseUrl()));
        cachedCatalog.addLocalBackends(backends);
        return server;
    }
}
