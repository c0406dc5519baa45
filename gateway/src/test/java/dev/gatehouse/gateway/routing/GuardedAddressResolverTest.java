package dev.gatehouse.gateway.routing;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.routing.GuardedAddressResolver.BackendAddressNotPermittedException;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

class GuardedAddressResolverTest {

    private static final Predicate<InetAddress> NOT_LOOPBACK = address -> !address.isLoopbackAddress();
    private static final Predicate<InetAddress> ANY = address -> true;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private HttpServer backend;

    @BeforeEach
    void startBackendOnLoopback() throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/v1/models", exchange -> {
            byte[] body = "{\"data\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
    }

    @AfterEach
    void stopBackend() {
        backend.stop(0);
    }

    @Test
    void failsResolutionOfAHostWithAnAddressThatIsNotPermitted() {
        Future<List<InetSocketAddress>> resolution = resolver(NOT_LOOPBACK)
                .resolveAll(InetSocketAddress.createUnresolved("localhost", 443)).awaitUninterruptibly();

        assertThat(resolution.cause())
                .isInstanceOf(BackendAddressNotPermittedException.class)
                .hasMessageMatching("backend address \\S+ of localhost is not permitted");
    }

    @Test
    void resolvesAHostWhoseAddressesArePermitted() {
        Future<List<InetSocketAddress>> resolution = resolver(ANY)
                .resolveAll(InetSocketAddress.createUnresolved("localhost", 443)).awaitUninterruptibly();

        assertThat(resolution.isSuccess()).isTrue();
        assertThat(resolution.getNow()).isNotEmpty().allSatisfy(address -> {
            assertThat(address.getAddress().isLoopbackAddress()).isTrue();
            assertThat(address.getPort()).isEqualTo(443);
        });
    }

    @Test
    void judgesAnIpLiteralThatNeedsNoResolution() throws UnknownHostException {
        Future<InetSocketAddress> resolution = resolver(NOT_LOOPBACK)
                .resolve(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 443)).awaitUninterruptibly();

        assertThat(resolution.cause())
                .isInstanceOf(BackendAddressNotPermittedException.class)
                .hasMessage("backend address 127.0.0.1 is not permitted");
    }

    @Test
    void theHttpClientCannotConnectToABackendAtAnAddressThatIsNotPermitted() {
        for (String host : List.of("localhost", "127.0.0.1")) {
            StepVerifier.create(modelsOfBackendAt(host, NOT_LOOPBACK))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .isInstanceOf(BackendAddressNotPermittedException.class)
                            .hasMessageEndingWith(" is not permitted"))
                    .verify(TIMEOUT);
        }
    }

    @Test
    void theHttpClientReachesABackendAtAPermittedAddress() {
        for (String host : List.of("localhost", "127.0.0.1")) {
            StepVerifier.create(modelsOfBackendAt(host, ANY))
                    .expectNext("{\"data\":[]}")
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }

    private static AddressResolver<InetSocketAddress> resolver(Predicate<InetAddress> permitted) {
        return new GuardedAddressResolver(DefaultAddressResolverGroup.INSTANCE, permitted).getResolver(GlobalEventExecutor.INSTANCE);
    }

    private Mono<String> modelsOfBackendAt(String host, Predicate<InetAddress> permitted) {
        // A new connection every time: a pooled one would skip resolution.
        HttpClient client = GuardedAddressResolver.customizer(permitted).customize(HttpClient.newConnection());
        return client.get()
                .uri("http://" + host + ":" + backend.getAddress().getPort() + "/v1/models")
                .responseContent().aggregate().asString();
    }
}
