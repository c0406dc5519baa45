package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Answers {@code GET /v1/models} with exactly the models the caller may call: its tenant is
 * entitled (can see the model, subscription active), the model is not past its sunset, and the
 * API key's scope allows it. OpenAI's list format, with Gatehouse's marketplace facts (kind,
 * regions, price in force, status, simulator flag) under {@code gatehouse}. Applied to the models
 * route only; it always answers and never forwards.
 */
public final class ModelListingFilter implements GatewayFilter, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelCatalog catalog;
    private final Clock clock;

    public ModelListingFilter(ModelCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return GatewayStep.MODEL_LISTING.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        CallContext context = CallContext.of(exchange);
        UUID tenantId = context.tenant().id();
        Instant now = clock.instant();
        for (CatalogModel model : catalog.models()) {
            if (!catalog.isEntitled(tenantId, model) || model.lifecycle().retiredAt(now)
                    || !context.principal().scopes().allowsModel(model.id())) {
                continue;
            }
            ModelPrice price = model.priceAt(now);
            ObjectNode entry = data.addObject();
            entry.put("id", model.id());
            entry.put("object", "model");
            entry.put("created", model.createdAt().getEpochSecond());
            entry.put("owned_by", model.description().publisher());
            ObjectNode facts = entry.putObject("gatehouse");
            facts.put("kind", model.kind().code());
            facts.put("display_name", model.description().displayName());
            facts.put("description", model.description().summary());
            facts.put("status", model.lifecycle().status().code());
            facts.put("simulator", model.simulator());
            facts.put("input_price_per_million_tokens", price.inputPerMillionTokens());
            facts.put("output_price_per_million_tokens", price.outputPerMillionTokens());
            facts.put("price_per_request", price.perRequest());
            facts.put("currency", price.currency());
            ArrayNode regions = facts.putArray("regions");
            model.regions().forEach(regions::add);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        exchange.getResponse().getHeaders().setContentLength(bytes.length);
        return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(bytes)));
    }

    @Override
    public String toString() {
        return "ModelListing";
    }
}
