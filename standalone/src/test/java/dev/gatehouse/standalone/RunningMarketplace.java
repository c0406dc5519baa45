package dev.gatehouse.standalone;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A marketplace process of its own for tests that need one (their own data directory, a restart,
 * a different configuration): random ports, an unpaced chat simulator, and a way to call it.
 */
final class RunningMarketplace {

    static final String CHAT_BODY_TEMPLATE = "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RunningMarketplace() {
    }

    static ConfigurableApplicationContext start(Path dataDir, String... moreArguments) {
        return start(dataDir, new Class<?>[0], moreArguments);
    }

    /** The marketplace with more configuration: {@code moreSources} add or replace beans, as in a test of tracing. */
    static ConfigurableApplicationContext start(Path dataDir, Class<?>[] moreSources, String... moreArguments) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--gatehouse.data-dir=" + dataDir,
                "--gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms",
                "--gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms"));
        arguments.addAll(List.of(moreArguments));
        return new SpringApplicationBuilder(GatehouseApplication.class)
                .sources(moreSources)
                .initializers(RunningMarketplace::ownNettyResources)
                .run(arguments.toArray(String[]::new));
    }

    /**
     * Event loops and connection pools of its own instead of Reactor Netty's global ones: closing
     * an application disposes those it used, and with global ones that stopped the management
     * server of the shared {@code @MarketplaceTest} application too.
     */
    private static void ownNettyResources(ConfigurableApplicationContext context) {
        context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof ReactorResourceFactory resources) {
                    resources.setUseGlobalResources(false);
                }
                return bean;
            }
        });
    }

    /** A chat call to the simulator with one user message (no quotes or backslashes in it). */
    static HttpResponse<String> chat(ConfigurableApplicationContext app, String bearer, String message) throws Exception {
        return post(app, bearer, "/v1/chat/completions", CHAT_BODY_TEMPLATE.formatted(message));
    }

    static HttpResponse<String> post(ConfigurableApplicationContext app, String bearer, String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(app, path))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(ConfigurableApplicationContext app, String path) {
        return URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path);
    }
}
