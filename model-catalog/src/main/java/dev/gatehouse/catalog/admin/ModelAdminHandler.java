package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.PATCH;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/** Publishers' models: create, list their own, read, change (a new price from its effective time), delete. */
final class ModelAdminHandler {

    /** Model cards may be long markdown documents. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final CatalogServices services;

    ModelAdminHandler(CatalogServices services) {
        this.services = services;
    }

    RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/catalog/models"), this::create)
                .andRoute(GET("/admin/v1/catalog/models"), this::list)
                .andRoute(GET("/admin/v1/catalog/models/{model}"), this::read)
                .andRoute(PATCH("/admin/v1/catalog/models/{model}"), this::update)
                .andRoute(DELETE("/admin/v1/catalog/models/{model}"), this::delete);
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        return services.admin().member(request).doOnNext(CatalogAccess::requirePublisher)
                .flatMap(caller -> AdminRequests.jsonBody(request, ModelRequests.FIELDS, MAX_BODY_BYTES)
                        .publishOn(Schedulers.boundedElastic())
                        .map(body -> {
                            Tenant owner = owner(caller, body);
                            CatalogModel model = ModelRequests.create(body, context(owner.id(), owner.displayName()));
                            ModelRequests.checkFallbacks(model, lookupWith(model));
                            if (!services.repository().createModel(model)) {
                                throw new ApiProblem(ProblemType.CONFLICT, "A model with this id already exists.", "id");
                            }
                            services.catalog().refresh();
                            return model;
                        }))
                .flatMap(model -> AdminRequests.json(HttpStatus.CREATED, view(model.id())));
    }

    /** Publishers publish for their own tenant; platform admins may name another with {@code owner_tenant}. */
    private Tenant owner(ApiKeyPrincipal caller, JsonNode body) {
        JsonNode named = body.get("owner_tenant");
        if (named == null || named.isNull()) {
            return services.access().tenant(caller.tenantId());
        }
        AdminAccess.requirePlatformAdmin(caller, "Publishing for another tenant ('owner_tenant')");
        UUID tenant = named.isTextual() ? services.access().tenantIdOf(named.asText()) : null;
        if (tenant == null) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'owner_tenant' names no tenant.", "owner_tenant");
        }
        return services.access().tenant(tenant);
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        return services.admin().member(request).doOnNext(CatalogAccess::requirePublisher).publishOn(Schedulers.boundedElastic())
                .map(caller -> CatalogJson.list(services.repository().loadAll().stream()
                        .filter(model -> CatalogAccess.mayManage(caller, model))
                        .map(model -> CatalogJson.publisherView(withLocalBackends(model), services.access()::slugOf, services.clock().instant()))
                        .toList()))
                .flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> read(ServerRequest request) {
        return services.admin().member(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> view(services.access().manageableModel(caller, request.pathVariable("model")).id()))
                .flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> update(ServerRequest request) {
        return services.admin().member(request).flatMap(caller -> AdminRequests.jsonBody(request, ModelRequests.FIELDS, MAX_BODY_BYTES)
                        .publishOn(Schedulers.boundedElastic())
                        .map(body -> {
                            CatalogModel existing = services.access().manageableModel(caller, request.pathVariable("model"));
                            if (body.has("owner_tenant")) {
                                throw new ApiProblem(ProblemType.INVALID_REQUEST, "A model's owner cannot change.", "owner_tenant");
                            }
                            CatalogModel changed = ModelRequests.update(body, existing, context(existing.ownerTenant(), existing.description().publisher()));
                            if (body.has("fallback_models")) {
                                ModelRequests.checkFallbacks(changed, lookupWith(changed));
                            }
                            if (!services.repository().updateModel(changed)) {
                                throw new ApiProblem(ProblemType.NOT_FOUND, "No model with this id among the models you publish.", "model");
                            }
                            services.catalog().refresh();
                            return changed;
                        }))
                .flatMap(model -> AdminRequests.json(HttpStatus.OK, view(model.id())));
    }

    private Mono<ServerResponse> delete(ServerRequest request) {
        return services.admin().member(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            CatalogModel model = services.access().manageableModel(caller, request.pathVariable("model"));
            services.repository().deleteModel(model.id());
            services.catalog().refresh();
            return model;
        }).flatMap(deleted -> ServerResponse.noContent().build());
    }

    private ModelRequests.Context context(UUID owner, String defaultPublisher) {
        return new ModelRequests.Context(owner, defaultPublisher, services.access()::tenantIdOf, services.clock().instant());
    }

    /** The stored catalog as it will be once {@code saved} is: fallback chains are judged against the database, not a cache. */
    private Function<String, Optional<CatalogModel>> lookupWith(CatalogModel saved) {
        return id -> id.equals(saved.id()) ? Optional.of(saved) : services.repository().find(id);
    }

    private ObjectNode view(String modelId) {
        CatalogModel model = services.repository().find(modelId)
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No model with this id among the models you publish.", "model"));
        return CatalogJson.publisherView(withLocalBackends(model), services.access()::slugOf, services.clock().instant());
    }

    /** The stored model with the backends this process alone serves (the built-in ones), as the gateway routes it here. */
    private CatalogModel withLocalBackends(CatalogModel stored) {
        return services.catalog().withLocalBackends(stored);
    }
}
