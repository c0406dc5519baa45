package dev.gatehouse.gateway.routing;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.ModelBackend;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client each backend is called with: the gateway's own client (its connection pool and
 * address guard included) with the backend's connect, first-byte and idle timeouts and TLS. Derived
 * once per backend and settings and kept in a bounded cache, so that a TLS context is built once
 * rather than per call, and a backend whose settings change is called with a new client.
 */
public final class BackendHttpClients {

    /** Far more than the backends one catalog holds; entries of edited or removed backends age out. */
    static final int MAX_CLIENTS = 1_000;

    private final HttpClient gatewayClient;
    private final LoadingCache<Settings, HttpClient> clients;

    public BackendHttpClients(HttpClient gatewayClient) {
        this.gatewayClient = gatewayClient;
        this.clients = Caffeine.newBuilder().maximumSize(MAX_CLIENTS).build(this::derive);
    }

    public HttpClient forBackend(ModelBackend backend) {
        return clients.get(new Settings(backend.id(), backend.capacity().connectTimeout(), backend.capacity().firstByteTimeout(),
                backend.capacity().idleTimeout(), backend.tls()));
    }

    private HttpClient derive(Settings settings) {
        // Reactor Netty's response timeout bounds each silence while the answer is read, from the
        // sent request on: it starts as the first-byte timeout and becomes the idle timeout once the
        // answer's head has arrived.
        HttpClient client = gatewayClient
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
                .responseTimeout(settings.firstByteTimeout())
                .doOnResponse((response, connection) -> idleTimeoutFromNowOn(connection, settings.idleTimeout()));
        if (!settings.tls().customised()) {
            return client;
        }
        SslContext context = BackendSslContext.of(settings.tls());
        return client.secure(spec -> spec.sslContext(context));
    }

    /**
     * Swaps Reactor Netty's response timeout handler for one of the idle timeout under the same
     * name, so Reactor Netty still removes it when the answer has been read. Absent when the whole
     * answer came in its first read.
     */
    static void idleTimeoutFromNowOn(Connection connection, Duration idleTimeout) {
        ChannelPipeline pipeline = connection.channel().pipeline();
        if (pipeline.get(NettyPipeline.ResponseTimeoutHandler) != null) {
            pipeline.replace(NettyPipeline.ResponseTimeoutHandler, NettyPipeline.ResponseTimeoutHandler,
                    new ReadTimeoutHandler(idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** What shapes a backend's client; {@link BackendTls#toString()} keeps the key out of any message. */
    private record Settings(String backendId, Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, BackendTls tls) {
    }
}
