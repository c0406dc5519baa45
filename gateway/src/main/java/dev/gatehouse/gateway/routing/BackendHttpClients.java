package dev.gatehouse.gateway.routing;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.ModelBackend;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;

/**
 * The HTTP client each backend is called with: the gateway's own client (its connection pool and
 * address guard included) with the backend's connect timeout, response timeout and TLS. Derived
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
        return clients.get(new Settings(backend.id(), backend.capacity().connectTimeout(), backend.capacity().responseTimeout(),
                backend.tls()));
    }

    private HttpClient derive(Settings settings) {
        // Reactor Netty's response timeout bounds each silence while the answer is read: the wait
        // for a completion, and every pause within a stream.
        HttpClient client = gatewayClient
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()))
                .responseTimeout(settings.responseTimeout());
        if (!settings.tls().customised()) {
            return client;
        }
        SslContext context = BackendSslContext.of(settings.tls());
        return client.secure(spec -> spec.sslContext(context));
    }

    /** What shapes a backend's client; {@link BackendTls#toString()} keeps the key out of any message. */
    private record Settings(String backendId, Duration connectTimeout, Duration responseTimeout, BackendTls tls) {
    }
}
