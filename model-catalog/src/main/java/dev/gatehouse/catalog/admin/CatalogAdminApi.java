package dev.gatehouse.catalog.admin;

import dev.gatehouse.catalog.BackendHealthReport;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Mono;

import java.time.Clock;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The marketplace's HTTP API (described by {@code openapi/catalog.yaml}, served at
 * {@value #OPENAPI_PATH}): publishers' models and backends under {@code /admin/v1/catalog},
 * tenants' subscriptions under {@code /admin/v1/tenants/{slug}/subscriptions}, and browsing under
 * {@code /catalog/v1}. The rules of who may do what are in {@link CatalogAccess} and {@link AdminAccess}.
 */
public final class CatalogAdminApi {

    /** Where the OpenAPI description of this API is served, without authentication. */
    public static final String OPENAPI_PATH = "/catalog/v1/openapi.yaml";
    static final String OPENAPI_RESOURCE = "openapi/catalog.yaml";
    private static final MediaType OPENAPI_MEDIA_TYPE = MediaType.parseMediaType("application/yaml");

    private final ModelAdminHandler models;
    private final BackendAdminHandler backends;
    private final SubscriptionAdminHandler subscriptions;
    private final CatalogBrowseHandler browsing;

    /** @param health backends' health as the gateway of this process sees it; null where no gateway runs beside the API */
    public CatalogAdminApi(CatalogRepository repository, CachedModelCatalog catalog, AdminAccess admin, TenantDatabase tenants,
                           BackendUrlPolicy backendUrls, BackendHealthReport.Source health, Clock clock) {
        CatalogServices services = new CatalogServices(repository, catalog, admin, new CatalogAccess(repository, tenants), clock);
        this.models = new ModelAdminHandler(services);
        this.backends = new BackendAdminHandler(services, backendUrls, health);
        this.subscriptions = new SubscriptionAdminHandler(services);
        this.browsing = new CatalogBrowseHandler(catalog, admin, clock);
    }

    public RouterFunction<ServerResponse> routes() {
        return AdminRequests.answering(OPENAPI_MEDIA_TYPE, route(GET(OPENAPI_PATH), request -> ServerResponse.ok()
                        .contentType(OPENAPI_MEDIA_TYPE).bodyValue(new ClassPathResource(OPENAPI_RESOURCE))))
                .and(AdminRequests.answering(MediaType.APPLICATION_JSON,
                        models.routes().and(backends.routes()).and(subscriptions.routes()).and(browsing.routes())))
                .filter((request, next) -> Mono.defer(() -> next.handle(request)).onErrorMap(IllegalArgumentException.class,
                        // a rule of the catalog's domain that the request readers did not check first: still the caller's mistake
                        refused -> new ApiProblem(ProblemType.INVALID_REQUEST, refused.getMessage())));
    }
}
