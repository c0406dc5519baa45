package dev.gatehouse.standalone;

import dev.gatehouse.backends.BuiltinBackendServer;
import dev.gatehouse.backends.ChatSimulatorSettings;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelKind;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Starts the built-in backends on their own loopback port and lists them in the catalog, so that
 * the marketplace answers calls without a GPU. They are catalogued like any remote backend; the
 * gateway reaches them over HTTP.
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
            CatalogRepository catalog, CachedModelCatalog cachedCatalog) {
        BuiltinBackendServer server = BuiltinBackendServer.start(host, port,
                new ChatSimulatorSettings(firstTokenLatency, interTokenLatency, ChatSimulatorSettings.DEFAULTS.maxCompletionTokens()));
        catalog.saveModel(new CatalogModel(EMBEDDINGS_MODEL, ModelKind.EMBEDDINGS,
                "all-MiniLM-L6-v2 (quantised, CPU)", "sentence-transformers",
                "Sentence embeddings, 384 dimensions, run in-process on the CPU from the ONNX model shipped with Gatehouse.",
                false, new BigDecimal("0.010000"), BigDecimal.ZERO, Instant.now(), Set.of(),
                List.of(new ModelBackend("builtin-minilm", EMBEDDINGS_MODEL, server.embeddingsBaseUrl(),
                        BuiltinBackendServer.EMBEDDINGS_UPSTREAM_MODEL, region))));
        catalog.saveModel(new CatalogModel(CHAT_MODEL, ModelKind.CHAT,
                "Chat simulator (not a model)", "gatehouse",
                "A simulator for trying the gateway without a GPU: it answers every chat with a fixed sentence quoting "
                        + "your last message, streamed at a configurable pace. It is not a language model.",
                true, new BigDecimal("0.100000"), new BigDecimal("0.300000"), Instant.now(), Set.of(),
                List.of(new ModelBackend("builtin-chat-simulator", CHAT_MODEL, server.chatBaseUrl(),
                        BuiltinBackendServer.CHAT_UPSTREAM_MODEL, region))));
        cachedCatalog.refresh();
        return server;
    }
}
