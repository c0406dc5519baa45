package dev.gatehouse.gateway.filter;

import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.routing.BackendHttpClients;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.util.List;

import javax.net.ssl.SSLException;

/**
 * Sends the call to the backend that BackendRouting chose, with that backend's own HTTP client
 * (its connect and response timeouts, its TLS) instead of the one client Spring Cloud Gateway
 * shares between all routes, and answers the backend's silence beyond its response timeout with
 * 504 {@code backend_timeout} and a failed TLS handshake with 502 {@code backend_unavailable}.
 * Spring Cloud Gateway's own NettyRoutingFilter still runs after this one and, finding the
 * exchange already routed, passes it on (decision 0202 says why it is not replaced).
 */
public final class BackendCallFilter extends NettyRoutingFilter {

    private static final Logger LOG = LoggerFactory.getLogger(BackendCallFilter.class);

    private final BackendHttpClients clients;

    public BackendCallFilter(HttpClient gatewayClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
                             HttpClientProperties properties, BackendHttpClients clients) {
        super(gatewayClient, headersFilters, properties);
        this.clients = clients;
    }

    @Override
    public int getOrder() {
        return GatewayStep.BACKEND_CALL.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.find(exchange);
        if (context == null || context.backend() == null) {
            return chain.filter(exchange);
        }
        ModelBackend backend = context.backend();
        return Mono.defer(() -> super.filter(exchange, chain))
                .onErrorMap(error -> causedBy(error, ReadTimeoutException.class),
                        timeout -> new ApiProblem(ProblemType.BACKEND_TIMEOUT, "The model backend did not answer in time."))
                .onErrorMap(error -> causedBy(error, SSLException.class), failure -> {
                    LOG.warn("TLS with backend {} failed: {}", backend.id(), failure.toString());
                    return new ApiProblem(ProblemType.BACKEND_UNAVAILABLE, "The model backend could not be reached.");
                });
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        return clients.forBackend(CallContext.of(exchange).backend());
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "BackendCall[each backend's own timeouts and TLS]";
    }
}
