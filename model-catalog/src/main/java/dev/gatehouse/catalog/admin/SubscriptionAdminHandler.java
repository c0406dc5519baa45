package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.Subscription;
import dev.gatehouse.catalog.SubscriptionStatus;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Set;
import java.util.UUID;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Subscriptions from both sides: a tenant's admins subscribe to models their tenant can see
 * (active at once, or pending until the publisher approves) and end them; the publisher lists the
 * subscriptions to its model and approves or rejects them. Changes reach every gateway within the
 * refresh interval; this one at once.
 */
final class SubscriptionAdminHandler {

    private static final Set<String> SUBSCRIBE_FIELDS = Set.of("model");

    private final CatalogServices services;

    SubscriptionAdminHandler(CatalogServices services) {
        this.services = services;
    }

    RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/tenants/{slug}/subscriptions"), this::subscribe)
                .andRoute(GET("/admin/v1/tenants/{slug}/subscriptions"), this::listOfTenant)
                .andRoute(DELETE("/admin/v1/tenants/{slug}/subscriptions/{model}"), this::unsubscribe)
                .andRoute(GET("/admin/v1/catalog/models/{model}/subscriptions"), this::listOfModel)
                .andRoute(POST("/admin/v1/catalog/models/{model}/subscriptions/{tenant}/approve"),
                        request -> decide(request, SubscriptionStatus.ACTIVE))
                .andRoute(POST("/admin/v1/catalog/models/{model}/subscriptions/{tenant}/reject"),
                        request -> decide(request, SubscriptionStatus.REJECTED));
    }

    private Mono<ServerResponse> subscribe(ServerRequest request) {
        return services.admin().administrator(request).flatMap(caller -> AdminRequests.jsonBody(request, SUBSCRIBE_FIELDS)
                .publishOn(Schedulers.boundedElastic())
                .flatMap(body -> {
                    Tenant tenant = services.admin().manageableTenant(caller, request);
                    CatalogModel model = services.access().visibleModel(tenant.id(), requiredModel(body));
                    if (model.lifecycle().retiredAt(services.clock().instant())) {
                        throw new ApiProblem(ProblemType.MODEL_RETIRED, "The model '" + model.id() + "' passed its sunset on "
                                + model.lifecycle().sunsetAt() + " and takes no new subscriptions.", "model")
                                .with("sunset", model.lifecycle().sunsetAt().toString());
                    }
                    SubscriptionStatus requested = model.access().approvalRequired() ? SubscriptionStatus.PENDING : SubscriptionStatus.ACTIVE;
                    boolean created = services.repository().subscribe(tenant.id(), model.id(), requested);
                    services.catalog().refresh();
                    Subscription subscription = services.repository().subscription(tenant.id(), model.id()).orElseThrow();
                    HttpStatus status = !created ? HttpStatus.OK
                            : subscription.status() == SubscriptionStatus.PENDING ? HttpStatus.ACCEPTED : HttpStatus.CREATED;
                    return AdminRequests.json(status, CatalogJson.subscription(subscription, tenant.slug()));
                }));
    }

    private static String requiredModel(JsonNode body) {
        return AdminRequests.requiredText(body, "model", 128);
    }

    private Mono<ServerResponse> listOfTenant(ServerRequest request) {
        return services.admin().administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            Tenant tenant = services.admin().manageableTenant(caller, request);
            return CatalogJson.list(services.repository().subscriptionsOfTenant(tenant.id()).stream()
                    .map(subscription -> CatalogJson.subscription(subscription, tenant.slug())).toList());
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> unsubscribe(ServerRequest request) {
        return services.admin().administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            Tenant tenant = services.admin().manageableTenant(caller, request);
            String model = request.pathVariable("model");
            if (!ModelRequests.isPlausibleModelId(model) || !services.repository().unsubscribe(tenant.id(), model)) {
                throw new ApiProblem(ProblemType.NOT_FOUND, "This tenant has no subscription to this model.", "model");
            }
            services.catalog().refresh();
            return tenant;
        }).flatMap(done -> ServerResponse.noContent().build());
    }

    private Mono<ServerResponse> listOfModel(ServerRequest request) {
        return services.admin().member(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            CatalogModel model = services.access().manageableModel(caller, request.pathVariable("model"));
            return CatalogJson.list(services.repository().subscriptionsOfModel(model.id()).stream()
                    .map(subscription -> CatalogJson.subscription(subscription, services.access().slugOf(subscription.tenantId()))).toList());
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    /**
     * Approve: a pending (or earlier rejected) request becomes active. Reject: a pending request,
     * or an active subscription the publisher withdraws, becomes rejected.
     */
    private Mono<ServerResponse> decide(ServerRequest request, SubscriptionStatus decision) {
        return services.admin().member(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            CatalogModel model = services.access().manageableModel(caller, request.pathVariable("model"));
            UUID tenant = services.access().tenantIdOf(request.pathVariable("tenant"));
            Subscription subscription = tenant == null ? null : services.repository().subscription(tenant, model.id()).orElse(null);
            if (subscription == null) {
                throw new ApiProblem(ProblemType.NOT_FOUND, "This tenant has not asked to subscribe to this model.", "tenant");
            }
            if (subscription.status() != decision && !services.repository().decide(tenant, model.id(), subscription.status(), decision)) {
                throw new ApiProblem(ProblemType.CONFLICT, "The subscription changed meanwhile; read it again.");
            }
            services.catalog().refresh();
            return CatalogJson.subscription(services.repository().subscription(tenant, model.id()).orElseThrow(), request.pathVariable("tenant"));
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }
}
