package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * Answers {@code GET /v1/models} with exactly the models the caller may call, and
 * {@code GET /v1/models/{model}} with one of them (any other id, an existing model the caller may
 * not call included, is answered as unknown, so that it does not reveal itself): its tenant is
 * entitled (can see the model, subscription active), the model is not past its sunset, and the
 * API key's scope allows it. OpenAI's list format, with Gatehouse's marketplace facts (kind,
 * regions, price in force, status, simulator flag) under {@code gatehouse}. Applied to the models
 * routes only; it always answers and never forwards.
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
        CallContext context = CallContext.of(exchange);
        Instant now = clock.instant();
        if (context.endpoint() == Endpoint.MODEL) {
            String requested = Endpoint.MODEL.resourceIn(exchange.getRequest().getPath().value()).orElse("");
            CatalogModel model = catalog.find(requested).filter(found -> callable(context, found, now))
                    .orElseThrow(() -> new ApiProblem(ProblemType.MODEL_NOT_FOUND,
                            "The model '" + requested + "' does not exist or is not available to you.", "model"));
            return write(exchange, entry(model, now));
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (CatalogModel model : catalog.models()) {
            if (callable(context, model, now)) {
                data.add(entry(model, now));
            }
        }
        return write(exchange, body);
    }

    /** Whether the caller may call the model: the one test for the list and for a single model, so neither reveals more. */
    private boolean callable(CallContext context, CatalogModel model, Instant now) {
        return catalog.isEntitled(context.tenant().id(), model) && !model.lifecycle().retiredAt(now)
                && context.principal().scopes().allowsModel(model.id());
    }

    private static ObjectNode entry(CatalogModel model, Instant now) {
        ModelPrice price = model.priceAt(now);
        ObjectNode entry = JSON.createObjectNode();
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
        return entry;
    }

    private static Mono<Void> write(ServerWebExchange exchange, ObjectNode body) {
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
