package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.tenant.ProcessingRegions;
import org.springframework.http.HttpMethod;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import static dev.gatehouse.standalone.portal.PortalViews.JSON;
import static dev.gatehouse.standalone.portal.PortalViews.decimalNumber;
import static dev.gatehouse.standalone.portal.PortalViews.field;
import static dev.gatehouse.standalone.portal.PortalViews.list;
import static dev.gatehouse.standalone.portal.PortalViews.map;
import static dev.gatehouse.standalone.portal.PortalViews.page;
import static dev.gatehouse.standalone.portal.PortalViews.path;
import static dev.gatehouse.standalone.portal.PortalViews.posted;
import static dev.gatehouse.standalone.portal.PortalViews.user;
import static dev.gatehouse.standalone.portal.PortalViews.wholeNumber;
import static dev.gatehouse.standalone.portal.PortalViews.withQuery;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Publishers' pages: their models (publish, edit, deprecate with a sunset), each model's backends
 * with their health and load as this gateway sees them (add, remove), and the subscriptions that
 * wait for their approval, and the last month's calls to their models by each calling tenant. The
 * catalog admin API decides which models a publisher manages.
 */
final class PublisherPages {

    static final String PUBLISHING = "/portal/publishing";
    private static final List<String> REGIONS = ProcessingRegions.SUPPORTED.stream().sorted().toList();
    private static final int USAGE_DAYS = 30;

    private final PortalApi api;

    PublisherPages(PortalApi api) {
        this.api = api;
    }

    RouterFunction<ServerResponse> routes() {
        return route(GET(PUBLISHING), this::publishing)
                .andRoute(POST(PUBLISHING + "/models"), this::publish)
                .andRoute(POST(PUBLISHING + "/models/{model}"), this::edit)
                .andRoute(POST(PUBLISHING + "/models/{model}/deprecation"), this::deprecate)
                .andRoute(POST(PUBLISHING + "/models/{model}/backends"), this::addBackend)
                .andRoute(POST(PUBLISHING + "/models/{model}/backends/{backend}/removal"), this::removeBackend)
                .andRoute(POST(PUBLISHING + "/models/{model}/subscriptions/{tenant}/approval"), request -> decide(request, "approve", "approved"))
                .andRoute(POST(PUBLISHING + "/models/{model}/subscriptions/{tenant}/rejection"), request -> decide(request, "reject", "rejected"));
    }

    private Mono<ServerResponse> publishing(ServerRequest request) {
        return user(request).flatMap(user -> api.get(user, "/admin/v1/catalog/models")
                .flatMap(answer -> Flux.fromIterable(answer.path("data"))
                        .concatMap(model -> detailsOf(user, model))
                        .collectList())
                .zipWith(publishedUsage(user))
                .flatMap(both -> page(request, user, "portal/publishing", Map.of("models", both.getT1(), "regions", REGIONS,
                        "usageByTenant", list(both.getT2().path("groups")), "usageTotal", map(both.getT2().path("total")),
                        "usageRefused", both.getT2().path("refused").asText(""), "usageDays", USAGE_DAYS))));
    }

    /** The last {@link #USAGE_DAYS} days' calls to the publisher's models, by calling tenant. */
    private Mono<JsonNode> publishedUsage(PortalUser user) {
        LocalDate to = LocalDate.now(ZoneOffset.UTC);
        return part(user, withQuery(path("/admin/v1/tenants/{slug}/published-usage", user.tenantSlug()),
                Map.of("from", to.minusDays(USAGE_DAYS - 1).toString(), "to", to.toString(), "group_by", "tenant")));
    }

    /** One model with its backends and subscriptions; when the API refuses either, the model is still shown, with the API's reason. */
    private Mono<Map<String, Object>> detailsOf(PortalUser user, JsonNode model) {
        Map<String, Object> shown = map(model);
        String id = model.path("id").asText();
        return Mono.zip(part(user, path("/admin/v1/catalog/models/{id}/backends", id)),
                        part(user, path("/admin/v1/catalog/models/{id}/subscriptions", id)))
                .map(both -> {
                    shown.put("backends", list(both.getT1().path("data")));
                    shown.put("backends_refused", both.getT1().path("refused").asText(null));
                    List<Map<String, Object>> subscriptions = list(both.getT2().path("data"));
                    shown.put("subscriptions", subscriptions);
                    shown.put("pending", subscriptions.stream().filter(subscription -> "pending".equals(subscription.get("status"))).count());
                    shown.put("subscriptions_refused", both.getT2().path("refused").asText(null));
                    return shown;
                });
    }

    private Mono<JsonNode> part(PortalUser user, String pathAndQuery) {
        return api.get(user, pathAndQuery).onErrorResume(PortalApiProblem.class, problem -> problem.signedOut()
                ? Mono.error(problem)
                : Mono.just(JSON.createObjectNode().put("refused", problem.getMessage() + " (" + problem.status() + ")")));
    }

    private Mono<ServerResponse> publish(ServerRequest request) {
        return user(request).flatMap(user -> request.formData().flatMap(form -> posted(request, PUBLISHING, Mono.defer(() -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("id", form.getFirst("id"));
            body.put("kind", form.getFirst("kind"));
            body.put("display_name", form.getFirst("display_name"));
            field(form, "description").ifPresent(description -> body.put("description", description));
            body.put("visibility", field(form, "visibility").orElse("public"));
            body.put("approval_required", form.containsKey("approval_required"));
            ObjectNode pricing = body.putObject("pricing");
            pricing.put("input_per_million_tokens", amount(form, "input_per_million_tokens", "Input price"));
            pricing.put("output_per_million_tokens", amount(form, "output_per_million_tokens", "Output price"));
            return api.send(user, HttpMethod.POST, "/admin/v1/catalog/models", body)
                    .map(model -> "Model '" + model.path("id").asText() + "' published. Add a backend so that its calls can be served.");
        }))));
    }

    /** Fields left blank keep their value (PATCH). */
    private Mono<ServerResponse> edit(ServerRequest request) {
        String model = request.pathVariable("model");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            ObjectNode body = JSON.createObjectNode();
            field(form, "display_name").ifPresent(name -> body.put("display_name", name));
            if (form.containsKey("description")) {
                body.put("description", field(form, "description").orElse(""));
            }
            if (form.containsKey("model_card")) {
                body.put("model_card", form.getFirst("model_card"));
            }
            field(form, "status").ifPresent(status -> body.put("status", status));
            return posted(request, PUBLISHING, api.send(user, HttpMethod.PATCH, model(model), body)
                    .map(answer -> "Model '" + model + "' saved."));
        }));
    }

    /** Deprecating needs the sunset: from then on the model answers no calls and takes no subscriptions. */
    private Mono<ServerResponse> deprecate(ServerRequest request) {
        String model = request.pathVariable("model");
        return user(request).flatMap(user -> request.formData().flatMap(form -> posted(request, PUBLISHING, Mono.defer(() -> {
            String sunset = field(form, "sunset_on").map(PublisherPages::startOfDay)
                    .orElseThrow(() -> new PortalApiProblem(400, "Choose the sunset day: after it the model answers no more calls."));
            ObjectNode body = JSON.createObjectNode().put("status", "deprecated").put("sunset_at", sunset);
            return api.send(user, HttpMethod.PATCH, model(model), body)
                    .map(answer -> "Model '" + model + "' deprecated: callers are warned, and refused after " + sunset + ".");
        }))));
    }

    private Mono<ServerResponse> addBackend(ServerRequest request) {
        String model = request.pathVariable("model");
        return user(request).flatMap(user -> request.formData().flatMap(form -> posted(request, PUBLISHING, Mono.defer(() -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("base_url", form.getFirst("base_url"));
            body.put("upstream_model", form.getFirst("upstream_model"));
            body.put("region", form.getFirst("region"));
            field(form, "max_concurrent_requests").ifPresent(limit -> body.put("max_concurrent_requests", wholeNumber(limit, "Most concurrent requests")));
            field(form, "weight").ifPresent(weight -> body.put("weight", wholeNumber(weight, "Weight")));
            return api.send(user, HttpMethod.POST, model(model) + "/backends", body)
                    .map(backend -> "Backend " + backend.path("id").asText() + " added to '" + model + "' in " + backend.path("region").asText() + ".");
        }))));
    }

    private Mono<ServerResponse> removeBackend(ServerRequest request) {
        String model = request.pathVariable("model");
        String backend = request.pathVariable("backend");
        return user(request).flatMap(user -> posted(request, PUBLISHING,
                api.send(user, HttpMethod.DELETE, path("/admin/v1/catalog/models/{model}/backends/{backend}", model, backend), null)
                        .map(answer -> "Backend " + backend + " removed from '" + model + "'.")));
    }

    private Mono<ServerResponse> decide(ServerRequest request, String action, String done) {
        String model = request.pathVariable("model");
        String tenant = request.pathVariable("tenant");
        return user(request).flatMap(user -> posted(request, PUBLISHING, api.send(user, HttpMethod.POST,
                        path("/admin/v1/catalog/models/{model}/subscriptions/{tenant}/" + action, model, tenant), null)
                .map(answer -> "Subscription of '" + tenant + "' to '" + model + "' " + done + ".")));
    }

    private static String model(String id) {
        return path("/admin/v1/catalog/models/{model}", id);
    }

    private static String startOfDay(String day) {
        try {
            return LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw new PortalApiProblem(400, "'Sunset on' must be a day such as 2027-06-30.");
        }
    }

    private static BigDecimal amount(MultiValueMap<String, String> form, String name, String label) {
        String value = field(form, name).orElseThrow(() -> new PortalApiProblem(400, "'" + label + "' is needed (per million tokens)."));
        return decimalNumber(value, label);
    }
}
