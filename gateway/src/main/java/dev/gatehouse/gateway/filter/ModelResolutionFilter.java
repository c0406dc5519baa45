package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Finds the requested model in the catalog, so that the policy, quota and routing steps after it
 * know what is being called. Unknown models, models of the wrong kind and models outside the
 * API key's scope are refused here.
 */
public final class ModelResolutionFilter implements GlobalFilter, Ordered {

    private static final int MAX_MODEL_ID_LENGTH = 128;

    private final ModelCatalog catalog;

    public ModelResolutionFilter(ModelCatalog catalog) {
        this.catalog = catalog;
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
        CatalogModel model = catalog.find(modelId).orElse(null);
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
        context.model(model);
        return chain.filter(exchange);
    }

    @Override
    public String toString() {
        return "ModelResolution";
    }
}
