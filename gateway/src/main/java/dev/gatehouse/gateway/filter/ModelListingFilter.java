package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Answers {@code GET /v1/models} with the models the caller's tenant is subscribed to, in OpenAI's list format, with Gatehouse's
 * marketplace facts (kind, regions, prices, simulator flag) under {@code gatehouse}. Applied to
 * the models route only; it always answers and never forwards.
 */
public final class ModelListingFilter implements GatewayFilter, Ordered {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelCatalog catalog;

    public ModelListingFilter(ModelCatalog catalog) {
        this.catalog = catalog;
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
        UUID tenantId = CallContext.of(exchange).tenant().id();
        for (CatalogModel model : catalog.models()) {
            if (!catalog.isSubscribed(tenantId, model.id())) {
                continue;
            }
            ObjectNode entry = data.addObject();
            entry.put("id", model.id());
            entry.put("object", "model");
            entry.put("created", model.createdAt().getEpochSecond());
            entry.put("owned_by", model.publisher());
            ObjectNode facts = entry.putObject("gatehouse");
            facts.put("kind", model.kind().code());
            facts.put("display_name", model.displayName());
            facts.put("description", model.description());
            facts.put("simulator", model.simulator());
            facts.put("input_price_per_million_tokens", model.inputPricePerMillionTokens());
            facts.put("output_price_per_million_tokens", model.outputPricePerMillionTokens());
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
