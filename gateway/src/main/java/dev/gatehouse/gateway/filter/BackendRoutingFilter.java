package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.routing.BackendSelector;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.URI;
import java.util.Set;

/**
 * Picks a backend of the resolved model in a region the policy permits (obligation
 * {@code route_regions}) and points the proxy at it: the body is re-serialised
 * with the backend's own model name, and the caller's credentials and cookies are removed, so a
 * backend never sees a Gatehouse API key; a backend that needs a key of its own gets its upstream
 * credential from the catalog instead. A backend that refuses the connection, or whose host does not
 * resolve, is rested and the call goes to the next available one (nothing was sent yet, so this is
 * safe to repeat).
 */
public final class BackendRoutingFilter implements GlobalFilter, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The first backend and up to two others when a backend refuses the connection. */
    private static final int MAX_ATTEMPTS = 3;

    private final BackendSelector selector;

    public BackendRoutingFilter(BackendSelector selector) {
        this.selector = selector;
    }

    @Override
    public int getOrder() {
        return GatewayStep.BACKEND_ROUTING.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        return routeTo(exchange, chain, context, MAX_ATTEMPTS);
    }

    private Mono<Void> routeTo(ServerWebExchange exchange, GatewayFilterChain chain, CallContext context, int attemptsLeft) {
        Set<String> allowedRegions = context.decision().obligations().routeRegions();
        ModelBackend backend = selector.choose(context.model(), allowedRegions).orElse(null);
        if (backend == null) {
            return Mono.error(new ApiProblem(ProblemType.NO_HEALTHY_BACKEND, "No backend of the model '" + context.model().id()
                    + "' in the permitted regions " + allowedRegions + " is reachable right now; retry shortly."));
        }
        context.backend(backend);
        ObjectNode body = context.body().deepCopy();
        body.put("model", backend.upstreamModel());
        byte[] bytes = serialise(body);
        URI target = backend.endpoint(context.endpoint().backendPath());
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);

        ServerHttpRequest stripped = exchange.getRequest().mutate()
                .headers(headers -> {
                    headers.remove(HttpHeaders.AUTHORIZATION);
                    headers.remove(HttpHeaders.COOKIE);
                    headers.remove(HttpHeaders.TRANSFER_ENCODING);
                    headers.setContentLength(bytes.length);
                    UpstreamCredential credential = backend.credential();
                    if (credential != null) {
                        headers.set(credential.headerName(), credential.headerValue());
                    }
                })
                .build();
        ServerHttpRequest forwarded = new ServerHttpRequestDecorator(stripped) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
            }
        };
        return chain.filter(exchange.mutate().request(forwarded).build())
                .onErrorResume(BackendRoutingFilter::causedByRefusedConnection, refused -> {
                    selector.markUnavailable(backend);
                    // Nothing reached the backend, so another one may take the call, if there is one.
                    if (attemptsLeft <= 1 || exchange.getResponse().isCommitted()
                            || !selector.anyAvailable(context.model(), allowedRegions)) {
                        return Mono.error(refused);
                    }
                    exchange.getAttributes().remove(ServerWebExchangeUtils.GATEWAY_ALREADY_ROUTED_ATTR);
                    return routeTo(exchange, chain, context, attemptsLeft - 1);
                });
    }

    private static boolean causedByRefusedConnection(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static byte[] serialise(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    @Override
    public String toString() {
        return "BackendRouting[round robin over available backends, failover on refused connections]";
    }
}
