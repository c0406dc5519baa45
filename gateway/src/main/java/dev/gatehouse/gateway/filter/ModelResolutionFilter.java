package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.ModelLifecycle;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Finds the requested model in the catalog, so that the policy, quota and routing steps after it
 * know what is being called. Unknown models, models the caller's tenant cannot see (answered as
 * unknown, so that other tenants' private models do not reveal themselves), models of the wrong
 * kind and models outside the API key's scope are refused here; so is a model past its sunset
 * (410). Calls to a deprecated model carry {@code Deprecation} (RFC 9745) and {@code Sunset}
 * (RFC 8594) headers. Whether the tenant subscribed is the policy's to decide.
 */
public final class ModelResolutionFilter implements GlobalFilter, Ordered {

    private static final int MAX_MODEL_ID_LENGTH = 128;
    static final String DEPRECATION = "Deprecation";
    static final String SUNSET = "Sunset";

    private final ModelCatalog catalog;
    private final Clock clock;

    public ModelResolutionFilter(ModelCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return GatewayStep.MODEL_RESOLUTION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        JsonNode requested = context.body().get("model");
        if (requested == null || !requested.isTextual() || requested.asText().isBlank()) {
            return Mono.error(new ApiProblem(ProblemType.MISSING_MODEL, "'model' is required and must be a string.", "model"));
        }
        String modelId = requested.asText();
        if (modelId.length() > MAX_MODEL_ID_LENGTH) {
            return Mono.error(new ApiProblem(ProblemType.MODEL_NOT_FOUND, "The requested model does not exist.", "model"));
        }
        CatalogModel model = catalog.find(modelId).filter(found -> found.visibleTo(context.tenant().id())).orElse(null);
        if (model == null) {
            return Mono.error(new ApiProblem(ProblemType.MODEL_NOT_FOUND,
                    "The model '" + modelId + "' does not exist or is not available to you.", "model"));
        }
        if (!model.serves(context.endpoint().modelKind())) {
            return Mono.error(new ApiProblem(ProblemType.MODEL_ENDPOINT_MISMATCH,
                    "The model '" + modelId + "' is a " + model.kind().code() + " model and cannot serve "
                            + context.endpoint().path() + ".", "model"));
        }
        if (!context.principal().scopes().allowsModel(model.id())) {
            return Mono.error(new ApiProblem(ProblemType.FORBIDDEN, "This API key is not allowed to use the model '" + modelId + "'.", "model"));
        }
        ModelLifecycle lifecycle = model.lifecycle();
        if (lifecycle.retiredAt(clock.instant())) {
            return Mono.error(new ApiProblem(ProblemType.MODEL_RETIRED, "The model '" + modelId + "' was retired at its sunset, "
                    + lifecycle.sunsetAt() + "; choose another model in the catalog.", "model").with("sunset", lifecycle.sunsetAt().toString()));
        }
        if (lifecycle.deprecated()) {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(DEPRECATION, "@" + lifecycle.deprecatedAt().getEpochSecond());
            headers.set(SUNSET, DateTimeFormatter.RFC_1123_DATE_TIME.format(lifecycle.sunsetAt().atOffset(ZoneOffset.UTC)));
        }
        context.model(model);
        return chain.filter(exchange);
    }

    @Override
    public String toString() {
        return "ModelResolution";
    }
}
