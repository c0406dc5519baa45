package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.BackendHealthReport;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.security.SecureRandom;
import java.util.HexFormat;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.PATCH;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The GPU backends of a publisher's model. Ids are generated here (so that nobody learns another
 * tenant's backend ids by colliding with them); credentials and client keys go in, never out.
 * The list shows each backend's health as this gateway process sees it, when a gateway runs here.
 */
final class BackendAdminHandler {

    private static final int MAX_BODY_BYTES = 128 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackendUrlPolicy urls;
    private final CatalogServices services;
    private final BackendHealthReport.Source health;

    BackendAdminHandler(CatalogServices services, BackendUrlPolicy urls, BackendHealthReport.Source health) {
        this.services = services;
        this.urls = urls;
        this.health = health;
    }

    RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/catalog/models/{model}/backends"), this::create)
                .andRoute(GET("/admin/v1/catalog/models/{model}/backends"), this::list)
                .andRoute(PATCH("/admin/v1/catalog/models/{model}/backends/{backend}"), this::update)
                .andRoute(DELETE("/admin/v1/catalog/models/{model}/backends/{backend}"), this::delete);
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        return services.admin().member(request).flatMap(caller -> AdminRequests.jsonBody(request, BackendRequests.FIELDS, MAX_BODY_BYTES)
                        .publishOn(Schedulers.boundedElastic())
                        .map(body -> {
                            CatalogModel model = services.access().manageableModel(caller, request.pathVariable("model"));
                            if (body.has("id")) {
                                throw new ApiProblem(ProblemType.INVALID_REQUEST, "Backend ids are assigned by Gatehouse.", "id");
                            }
                            ModelBackend backend = BackendRequests.create(body, model.id(), "bk-" + HexFormat.of().formatHex(randomBytes()),
                                    urls, BackendRequests::inlineCredential);
                            if (!services.repository().createBackend(backend)) {
                                throw new ApiProblem(ProblemType.CONFLICT, "Could not assign a backend id; retry.");
                            }
                            services.catalog().refresh();
                            return CatalogJson.backend(backend);
                        }))
                .flatMap(answer -> AdminRequests.json(HttpStatus.CREATED, answer));
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        return services.admin().member(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            CatalogModel model = services.catalog().withLocalBackends(services.access().manageableModel(caller, request.pathVariable("model")));
            return CatalogJson.list(model.backends().stream().map(this::withHealth).toList());
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> update(ServerRequest request) {
        return services.admin().member(request).flatMap(caller -> AdminRequests.jsonBody(request, BackendRequests.FIELDS, MAX_BODY_BYTES)
                        .publishOn(Schedulers.boundedElastic())
                        .map(body -> {
                            ModelBackend existing = ownBackend(services.access().manageableModel(caller, request.pathVariable("model")), request);
                            ModelBackend changed = BackendRequests.update(body, existing, urls, BackendRequests::inlineCredential);
                            if (changed.credential() != null && !changed.credential().readable()) {
                                throw new ApiProblem(ProblemType.CONFLICT,
                                        "This process cannot decrypt the backend's stored credential; send a new 'credential' with the change.", "credential");
                            }
                            services.repository().updateBackend(changed);
                            services.catalog().refresh();
                            return CatalogJson.backend(changed);
                        }))
                .flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> delete(ServerRequest request) {
        return services.admin().member(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            ModelBackend backend = ownBackend(services.access().manageableModel(caller, request.pathVariable("model")), request);
            services.repository().deleteBackend(backend.modelId(), backend.id());
            services.catalog().refresh();
            return backend;
        }).flatMap(deleted -> ServerResponse.noContent().build());
    }

    private ObjectNode withHealth(ModelBackend backend) {
        ObjectNode node = CatalogJson.backend(backend);
        if (health != null) {
            node.set("health", CatalogJson.health(health.of(backend)));
        }
        return node;
    }

    /** A stored backend of the model; backends local to one process are not the API's to change. */
    private static ModelBackend ownBackend(CatalogModel model, ServerRequest request) {
        String id = request.pathVariable("backend");
        return model.backends().stream().filter(backend -> backend.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No backend with this id for this model.", "backend"));
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
