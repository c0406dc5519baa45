package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.gatehouse.standalone.portal.PortalViews.JSON;
import static dev.gatehouse.standalone.portal.PortalViews.absentOn;
import static dev.gatehouse.standalone.portal.PortalViews.csrf;
import static dev.gatehouse.standalone.portal.PortalViews.decimalNumber;
import static dev.gatehouse.standalone.portal.PortalViews.download;
import static dev.gatehouse.standalone.portal.PortalViews.field;
import static dev.gatehouse.standalone.portal.PortalViews.given;
import static dev.gatehouse.standalone.portal.PortalViews.list;
import static dev.gatehouse.standalone.portal.PortalViews.map;
import static dev.gatehouse.standalone.portal.PortalViews.page;
import static dev.gatehouse.standalone.portal.PortalViews.path;
import static dev.gatehouse.standalone.portal.PortalViews.posted;
import static dev.gatehouse.standalone.portal.PortalViews.user;
import static dev.gatehouse.standalone.portal.PortalViews.viewFor;
import static dev.gatehouse.standalone.portal.PortalViews.wholeNumber;
import static dev.gatehouse.standalone.portal.PortalViews.withQuery;
import static dev.gatehouse.standalone.portal.PortalViews.words;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The portal's pages. Each one asks the public APIs (through {@link PortalApi}, as the signed-in
 * user) and renders the answer; each form posts here, is checked for its CSRF token by Spring
 * Security, is turned into the API call a curl user would make, and redirects back with the API's
 * own words (post, redirect, get). An API refusal is shown as the API phrased it, with its status:
 * another tenant's page is a 404 because the API answers 404.
 */
final class PortalPages {

    static final String HOME = "/portal/catalog";
    static final String SIGN_IN = "/portal/sign-in";
    static final String SIGN_OUT = "/portal/sign-out";
    static final String ASSETS = "/portal/assets/";
    static final String WEBJARS = "/portal/webjars/";
    private static final String NEW_KEY = "portal.new-key";
    private static final int USAGE_DAYS = 30;

    private final PortalApi api;
    private final ModelCards cards;
    private final boolean keycloakSignIn;

    PortalPages(PortalApi api, ModelCards cards, boolean keycloakSignIn) {
        this.api = api;
        this.cards = cards;
        this.keycloakSignIn = keycloakSignIn;
    }

    RouterFunction<ServerResponse> routes() {
        return route(GET(SIGN_IN), this::signIn)
                .andRoute(GET("/portal"), request -> ServerResponse.seeOther(URI.create(HOME)).build())
                .andRoute(GET(HOME), this::catalog)
                .andRoute(GET(HOME + "/{model}"), this::model)
                .andRoute(POST(HOME + "/{model}/subscription"), this::subscribe)
                .andRoute(POST(HOME + "/{model}/unsubscription"), this::unsubscribe)
                .andRoute(GET("/portal/t/{slug}/keys"), this::keys)
                .andRoute(POST("/portal/t/{slug}/keys"), this::createKey)
                .andRoute(POST("/portal/t/{slug}/keys/{key}/rotation"), this::rotateKey)
                .andRoute(POST("/portal/t/{slug}/keys/{key}/revocation"), this::revokeKey)
                .andRoute(GET("/portal/t/{slug}/usage"), this::usage)
                .andRoute(GET("/portal/t/{slug}/usage.csv"), this::usageExport)
                .andRoute(GET("/portal/tenants"), this::tenants)
                .andRoute(POST("/portal/tenants"), this::createTenant)
                .andRoute(POST("/portal/tenants/{slug}/plan"), this::changePlan)
                .andRoute(POST("/portal/tenants/{slug}/suspension"), request -> tenantAction(request, "suspend", "suspended"))
                .andRoute(POST("/portal/tenants/{slug}/resumption"), request -> tenantAction(request, "resume", "resumed"))
                .andRoute(POST("/portal/tenants/{slug}/erasure"), this::eraseTenant)
                .and(new AuditPages(api).routes())
                .and(new TenantSettingsPages(api).routes())
                .and(new PublisherPages(api).routes())
                .filter((request, next) -> next.handle(request).onErrorResume(PortalApiProblem.class,
                        problem -> user(request).flatMap(user -> refused(request, user, problem))));
    }

    private Mono<ServerResponse> signIn(ServerRequest request) {
        Map<String, Object> model = new HashMap<>();
        model.put("failed", request.queryParam("error").isPresent());
        model.put("signedOut", request.queryParam("signed-out").isPresent());
        model.put("keycloak", keycloakSignIn ? KeycloakSignIn.START : null);
        return csrf(request).flatMap(token -> {
            model.put("_csrf", token);
            return ServerResponse.ok().render("portal/sign-in", model);
        });
    }

    // --- tenant members: the catalog --------------------------------------------------------------

    private Mono<ServerResponse> catalog(ServerRequest request) {
        Map<String, String> filters = given(request, "q", "kind", "region", "certification", "sort");
        Map<String, String> query = new LinkedHashMap<>(filters);
        query.putAll(given(request, "cursor"));
        String view = viewFor(request, "portal/catalog", "results");
        return user(request).flatMap(user -> api.get(user, withQuery("/catalog/v1/models", query))
                .flatMap(answer -> page(request, user, view, Map.of(
                        "models", list(answer.path("data")),
                        "nextCursor", answer.path("next_cursor").asText(""),
                        "filters", filters))));
    }

    private Mono<ServerResponse> model(ServerRequest request) {
        String id = request.pathVariable("model");
        return user(request).flatMap(user -> api.get(user, path("/catalog/v1/models/{id}", id))
                .flatMap(answer -> page(request, user, "portal/model", Map.of(
                        "m", map(answer),
                        "card", cards.toHtml(answer.path("model_card").asText(null))))));
    }

    private Mono<ServerResponse> subscribe(ServerRequest request) {
        String id = request.pathVariable("model");
        return user(request).flatMap(user -> posted(request, path(HOME + "/{id}", id),
                api.send(user, HttpMethod.POST, path("/admin/v1/tenants/{slug}/subscriptions", user.tenantSlug()), Map.of("model", id))
                        .map(answer -> "Subscribed: the subscription is " + answer.path("status").asText() + ".")));
    }

    private Mono<ServerResponse> unsubscribe(ServerRequest request) {
        String id = request.pathVariable("model");
        return user(request).flatMap(user -> posted(request, path(HOME + "/{id}", id),
                api.send(user, HttpMethod.DELETE, path("/admin/v1/tenants/{slug}/subscriptions/{id}", user.tenantSlug(), id), null)
                        .map(answer -> "Unsubscribed: calls to " + id + " are refused from now on.")));
    }

    // --- tenant admins: API keys ------------------------------------------------------------------

    private Mono<ServerResponse> keys(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> api.get(user, path("/admin/v1/tenants/{slug}/api-keys", slug))
                .flatMap(answer -> request.session().flatMap(session -> {
                    Object created = session.getAttributes().remove(NEW_KEY);
                    Map<String, Object> model = new HashMap<>();
                    model.put("slug", slug);
                    model.put("keys", list(answer.path("data")));
                    model.put("roles", user.grantableRoles());
                    if (created != null) {
                        model.put("created", created);
                    }
                    return page(request, user, "portal/keys", model);
                })));
    }

    private Mono<ServerResponse> createKey(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> keyIssued(request, user, slug, Mono.defer(() -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("name", form.getFirst("name"));
            ArrayNode roles = body.putArray("roles");
            form.getOrDefault("roles", List.of()).forEach(roles::add);
            expiry(form).ifPresent(expiresAt -> body.put("expires_at", expiresAt));
            words(form.getFirst("allowed_models")).ifPresent(models -> models.forEach(body.putArray("allowed_models")::add));
            return api.send(user, HttpMethod.POST, path("/admin/v1/tenants/{slug}/api-keys", slug), body);
        }))));
    }

    private Mono<ServerResponse> rotateKey(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> keyIssued(request, user, slug, api.send(user, HttpMethod.POST,
                path("/admin/v1/tenants/{slug}/api-keys/{key}/rotate", slug, request.pathVariable("key")), Map.of())));
    }

    /** A new key's secret goes to the next page view only, once; the session forgets it as it is shown. */
    private Mono<ServerResponse> keyIssued(ServerRequest request, PortalUser user, String slug, Mono<JsonNode> issued) {
        String keysPage = path("/portal/t/{slug}/keys", slug);
        return posted(request, keysPage, issued.flatMap(answer -> request.session().map(session -> {
            session.getAttributes().put(NEW_KEY, Map.of("key_id", answer.path("key_id").asText(), "token", answer.path("token").asText(),
                    "name", answer.path("name").asText()));
            return "Key '" + answer.path("name").asText() + "' created. Copy it now: it is shown only this once.";
        })));
    }

    private Mono<ServerResponse> revokeKey(ServerRequest request) {
        String slug = request.pathVariable("slug");
        String key = request.pathVariable("key");
        return user(request).flatMap(user -> posted(request, path("/portal/t/{slug}/keys", slug),
                api.send(user, HttpMethod.DELETE, path("/admin/v1/tenants/{slug}/api-keys/{key}", slug, key), null)
                        .map(answer -> "Key " + key + " revoked: every gateway refuses it within seconds.")));
    }

    // --- tenant admins and auditors: usage --------------------------------------------------------

    private Mono<ServerResponse> usage(ServerRequest request) {
        String slug = request.pathVariable("slug");
        LocalDate to = LocalDate.now(ZoneOffset.UTC);
        String from = request.queryParam("from").filter(value -> !value.isBlank()).orElse(to.minusDays(USAGE_DAYS - 1).toString());
        String until = request.queryParam("to").filter(value -> !value.isBlank()).orElse(to.toString());
        Function<String, Mono<JsonNode>> grouped = grouping -> user(request).flatMap(user -> api.get(user,
                withQuery(path("/admin/v1/tenants/{slug}/usage", slug), Map.of("from", from, "to", until, "group_by", grouping))));
        return user(request).flatMap(user -> Mono.zip(grouped.apply("day"), grouped.apply("model"), grouped.apply("key"),
                        planOf(user, slug), absentOn(404, api.get(user, path("/admin/v1/tenants/{slug}/budget/status", slug))))
                .flatMap(all -> {
                    Map<String, Object> model = new HashMap<>();
                    model.put("slug", slug);
                    model.put("from", from);
                    model.put("to", until);
                    model.put("byDay", list(all.getT1().path("groups")));
                    model.put("byModel", list(all.getT2().path("groups")));
                    model.put("byKey", list(all.getT3().path("groups")));
                    model.put("total", map(all.getT1().path("total")));
                    model.put("plan", map(all.getT4()));
                    model.put("chart", all.getT1().path("groups").toString());
                    model.put("budgets", list(all.getT5().path("budgets")));
                    return page(request, user, "portal/usage", model);
                }));
    }

    /** The plan's limits, for tenant admins (who may read their tenant); auditors, who may not, see the usage without them. */
    private Mono<JsonNode> planOf(PortalUser user, String slug) {
        return absentOn(403, api.get(user, path("/admin/v1/tenants/{slug}", slug)).map(tenant -> tenant.path("plan")));
    }

    private Mono<ServerResponse> usageExport(ServerRequest request) {
        String slug = request.pathVariable("slug");
        Map<String, String> query = new LinkedHashMap<>(given(request, "from", "to"));
        query.put("format", "csv");
        String export = withQuery(path("/admin/v1/tenants/{slug}/usage/export", slug), query);
        return download(api, request, export, "usage-" + slug + ".csv");
    }

    // --- platform admins: tenants -----------------------------------------------------------------

    private Mono<ServerResponse> tenants(ServerRequest request) {
        return user(request).flatMap(user -> api.get(user, "/admin/v1/tenants")
                .flatMap(answer -> page(request, user, "portal/tenants", Map.of("tenants", list(answer.path("data"))))));
    }

    private Mono<ServerResponse> createTenant(ServerRequest request) {
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("slug", form.getFirst("slug"));
            body.put("display_name", form.getFirst("display_name"));
            words(form.getFirst("allowed_purposes")).ifPresent(purposes -> purposes.forEach(body.putArray("allowed_purposes")::add));
            return posted(request, "/portal/tenants", api.send(user, HttpMethod.POST, "/admin/v1/tenants", body)
                    .map(answer -> "Tenant '" + answer.path("slug").asText() + "' created. Give it an admin key on its keys page."));
        }));
    }

    /**
     * A plan is merged field by field: a blank rate limit keeps its value, a blank monthly budget
     * means no cap, as the API reads an explicit null.
     */
    private Mono<ServerResponse> changePlan(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode plan = body.putObject("plan");
            Mono<String> changed = Mono.defer(() -> {
                field(form, "requests_per_minute").ifPresent(value -> plan.put("requests_per_minute", wholeNumber(value, "Requests per minute")));
                field(form, "tokens_per_minute").ifPresent(value -> plan.put("tokens_per_minute", wholeNumber(value, "Tokens per minute")));
                field(form, "monthly_budget_usd").ifPresentOrElse(value -> plan.put("monthly_budget_usd", decimalNumber(value, "Monthly budget")),
                        () -> plan.putNull("monthly_budget_usd"));
                return api.send(user, HttpMethod.PATCH, path("/admin/v1/tenants/{slug}", slug), body)
                        .map(answer -> "Plan of '" + slug + "' changed: gateways apply it within their refresh interval.");
            });
            return posted(request, "/portal/tenants", changed);
        }));
    }

    private Mono<ServerResponse> tenantAction(ServerRequest request, String action, String done) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> posted(request, "/portal/tenants",
                api.send(user, HttpMethod.POST, path("/admin/v1/tenants/{slug}/" + action, slug), Map.of())
                        .map(answer -> "Tenant '" + slug + "' " + done + ".")));
    }

    /** Erasing destroys the tenant's keys, usage, content and encryption key: the form must name the tenant again. */
    private Mono<ServerResponse> eraseTenant(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            Mono<String> erased = slug.equals(form.getFirst("confirm_slug"))
                    ? api.send(user, HttpMethod.DELETE, path("/admin/v1/tenants/{slug}", slug), null)
                            .map(answer -> "Tenant '" + slug + "' erased: its encryption key is destroyed and its API keys deleted.")
                    : Mono.error(new PortalApiProblem(400, "Type the tenant's slug '" + slug + "' to confirm erasing it."));
            return posted(request, "/portal/tenants", erased);
        }));
    }

    // --- shared ---------------------------------------------------------------------------------

    /** The API refused a page: a revoked or expired key ends the session; anything else is shown with the API's status. */
    private Mono<ServerResponse> refused(ServerRequest request, PortalUser user, PortalApiProblem problem) {
        if (problem.signedOut()) {
            return request.session().flatMap(WebSession::invalidate)
                    .then(ServerResponse.seeOther(URI.create(SIGN_IN + "?error")).build());
        }
        return csrf(request).flatMap(token -> ServerResponse.status(HttpStatus.valueOf(problem.status())).render("portal/refused",
                Map.of("_csrf", token, "user", Navigation.of(user), "status", problem.status(), "detail", problem.getMessage())));
    }

    private static Optional<String> expiry(MultiValueMap<String, String> form) {
        return Optional.ofNullable(form.getFirst("expires_in_days")).filter(days -> !days.isBlank()).map(days -> {
            try {
                return Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Long.parseLong(days.strip()), ChronoUnit.DAYS).toString();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new PortalApiProblem(400, "'Expires in' must be a whole number of days.");
            }
        });
    }
}
