package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.responses.ResponseKeeping;
import dev.gatehouse.gateway.responses.StoredResponses;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Answers {@code GET /v1/responses/{id}} with a response its caller's tenant kept ({@code store:
 * true}), and {@code DELETE /v1/responses/{id}} by forgetting it, as OpenAI serves them. An id the
 * tenant does not have, another tenant's or an expired one included, is the same 404, so that it
 * does not reveal itself (decision 0821). Applied to the stored responses route only; it always
 * answers and never forwards.
 */
public final class StoredResponsesFilter implements GatewayFilter, Ordered {

    private final StoredResponses store;
    private final Scheduler blocking;

    public StoredResponsesFilter(StoredResponses store, Scheduler blocking) {
        this.store = store;
        this.blocking = blocking;
    }

    @Override
    public int getOrder() {
        return GatewayStep.STORED_RESPONSES.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        String id = context.endpoint().resourceIn(exchange.getRequest().getPath().value()).orElse("");
        UUID tenant = context.tenant().id();
        if (context.endpoint() == Endpoint.STORED_RESPONSE_DELETION) {
            return Mono.fromCallable(() -> store.delete(tenant, id)).subscribeOn(blocking).flatMap(deleted -> {
                if (!deleted) {
                    return Mono.error(ResponseKeeping.notFound(id, null));
                }
                return write(exchange, JsonNodeFactory.instance.objectNode().put("id", id).put("object", "response").put("deleted", true));
            });
        }
        return Mono.fromCallable(() -> store.find(tenant, id)).subscribeOn(blocking).flatMap(found -> found
                .map(stored -> write(exchange, stored.response()))
                .orElseGet(() -> Mono.error(ResponseKeeping.notFound(id, null))));
    }

    private static Mono<Void> write(ServerWebExchange exchange, ObjectNode body) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        exchange.getResponse().getHeaders().setContentLength(bytes.length);
        return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(bytes)));
    }

    @Override
    public String toString() {
        return "StoredResponses[a tenant's kept responses: GET and DELETE]";
    }
}
