package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.tenant.Role;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
    private static final String FLASH = "portal.flash";
    private static final String NEW_KEY = "portal.new-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USAGE_DAYS = 30;

    private final PortalApi api;
    private final ModelCards cards;

    PortalPages(PortalApi api, ModelCards cards) {
        this.api = api;
        this.cards = cards;
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
                .andRoute(GET("/portal/t/{slug}/audit"), this::audit)
                .andRoute(GET("/portal/t/{slug}/audit/export"), this::auditExport)
                .andRoute(GET("/portal/publishing"), this::publishing)
                .andRoute(GET("/portal/tenants"), this::tenants)
                .andRoute(POST("/portal/tenants"), this::createTenant)
                .andRoute(POST("/portal/tenants/{slug}/suspension"), request -> tenantAction(request, "suspend", "suspended"))
                .andRoute(POST("/portal/tenants/{slug}/resumption"), request -> tenantAction(request, "resume", "resumed"))
                .andRoute(POST("/portal/tenants/{slug}/erasure"), this::eraseTenant)
                .filter((request, next) -> next.handle(request).onErrorResume(PortalApiProblem.class,
                        problem -> user(request).flatMap(user -> refused(request, user, problem))));
    }

    private Mono<ServerResponse> signIn(ServerRequest request) {
        Map<String, Object> model = new HashMap<>();
        model.put("failed", request.queryParam("error").isPresent());
        model.put("signedOut", request.queryParam("signed-out").isPresent());
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
        String view = request.headers().firstHeader("HX-Request") != null ? "portal/catalog :: results" : "portal/catalog";
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
                    model.put("roles", grantableRoles(user));
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

    /** The roles the form offers: those the API lets this user grant (all, for platform admins). */
    private static List<String> grantableRoles(PortalUser user) {
        return (user.platformAdmin() ? Arrays.stream(Role.values()) : user.roles().stream()).map(Role::code).sorted().toList();
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
                        planOf(user, slug))
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
                    return page(request, user, "portal/usage", model);
                }));
    }

    /** The plan's limits, for tenant admins (who may read their tenant); auditors, who may not, see the usage without them. */
    private Mono<JsonNode> planOf(PortalUser user, String slug) {
        return api.get(user, path("/admin/v1/tenants/{slug}", slug)).map(tenant -> tenant.path("plan"))
                .onErrorResume(PortalApiProblem.class, problem -> problem.status() == 403
                        ? Mono.just(JSON.createObjectNode()) : Mono.error(problem));
    }

    private Mono<ServerResponse> usageExport(ServerRequest request) {
        String slug = request.pathVariable("slug");
        Map<String, String> query = new LinkedHashMap<>(given(request, "from", "to"));
        query.put("format", "csv");
        String export = withQuery(path("/admin/v1/tenants/{slug}/usage/export", slug), query);
        return download(request, export, "usage-" + slug + ".csv");
    }

    // --- auditors: the audit log ------------------------------------------------------------------

    private Mono<ServerResponse> audit(ServerRequest request) {
        String slug = request.pathVariable("slug");
        Map<String, String> filters = given(request, "action", "from", "to", "cursor");
        Map<String, String> query = new LinkedHashMap<>(filters);
        query.put("limit", "50");
        return user(request).flatMap(user -> Mono.zip(
                        api.get(user, withQuery(path("/admin/v1/tenants/{slug}/audit", slug), query)),
                        api.get(user, path("/admin/v1/tenants/{slug}/audit/checkpoint", slug))
                                .onErrorResume(PortalApiProblem.class, problem -> problem.status() == 404
                                        ? Mono.just(JSON.createObjectNode()) : Mono.error(problem)))
                .flatMap(both -> {
                    Map<String, Object> model = new HashMap<>();
                    model.put("slug", slug);
                    model.put("filters", filters);
                    model.put("records", records(both.getT1().path("data")));
                    model.put("nextCursor", both.getT1().path("next_cursor").asText(""));
                    model.put("checkpoint", map(both.getT2()));
                    return page(request, user, "portal/audit", model);
                }));
    }

    private static List<Map<String, Object>> records(JsonNode data) {
        return list(data).stream().map(record -> {
            Map<String, Object> shown = new HashMap<>(record);
            try {
                shown.put("event_text", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record.get("event")));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return shown;
        }).toList();
    }

    private Mono<ServerResponse> auditExport(ServerRequest request) {
        String slug = request.pathVariable("slug");
        String from = request.queryParam("from").filter(value -> !value.isBlank()).orElse(Instant.EPOCH.toString());
        String export = withQuery(path("/admin/v1/tenants/{slug}/audit/export", slug), Map.of("from", from, "format", "jsonl"));
        return download(request, export, "audit-" + slug + ".zip");
    }

    // --- publishers -------------------------------------------------------------------------------

    private Mono<ServerResponse> publishing(ServerRequest request) {
        return user(request).flatMap(user -> api.get(user, "/admin/v1/catalog/models")
                .flatMap(answer -> Flux.fromIterable(answer.path("data"))
                        .concatMap(model -> backendsOf(user, model))
                        .collectList())
                .flatMap(models -> page(request, user, "portal/publishing", Map.of("models", models))));
    }

    /** One model's backends; when the API refuses them, the model is still shown, with the API's reason instead. */
    private Mono<Map<String, Object>> backendsOf(PortalUser user, JsonNode model) {
        Map<String, Object> shown = map(model);
        return api.get(user, path("/admin/v1/catalog/models/{id}/backends", model.path("id").asText()))
                .map(backends -> {
                    shown.put("backends", list(backends.path("data")));
                    return shown;
                })
                .onErrorResume(PortalApiProblem.class, problem -> {
                    if (problem.signedOut()) {
                        return Mono.error(problem);
                    }
                    shown.put("backends", List.of());
                    shown.put("backends_refused", problem.getMessage() + " (" + problem.status() + ")");
                    return Mono.just(shown);
                });
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

    // --- shared -----------------------------------------------------------------------------------

    private static Mono<PortalUser> user(ServerRequest request) {
        return request.principal().map(PortalPages::userOf);
    }

    private static PortalUser userOf(Principal principal) {
        return ((ApiKeySignIn.SignedIn) principal).getPrincipal();
    }

    private static Mono<CsrfToken> csrf(ServerRequest request) {
        Mono<CsrfToken> token = request.exchange().getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.error(new IllegalStateException("CSRF protection is not configured for the portal")) : token;
    }

    /** Renders a page with what every page needs: the user (navigation), the CSRF token (forms) and the last action's outcome. */
    private Mono<ServerResponse> page(ServerRequest request, PortalUser user, String view, Map<String, ?> values) {
        return Mono.zip(csrf(request), request.session()).flatMap(both -> {
            Map<String, Object> model = new HashMap<>(values);
            model.put("_csrf", both.getT1());
            model.put("user", Navigation.of(user));
            Object flash = both.getT2().getAttributes().remove(FLASH);
            if (flash != null) {
                model.put("flash", flash);
            }
            return ServerResponse.ok().render(view, model);
        });
    }

    /** After a form: back to the page, with the API's answer (success or refusal) shown once. */
    private static Mono<ServerResponse> posted(ServerRequest request, String backTo, Mono<String> outcome) {
        return outcome.map(message -> Map.of("kind", "success", "message", message))
                .onErrorResume(PortalApiProblem.class, problem -> problem.signedOut()
                        ? Mono.error(problem) : Mono.just(Map.of("kind", "error", "message", problem.getMessage())))
                .flatMap(flash -> request.session().doOnNext(session -> session.getAttributes().put(FLASH, flash)))
                .then(ServerResponse.seeOther(URI.create(backTo)).build());
    }

    /** The API refused a page: a revoked or expired key ends the session; anything else is shown with the API's status. */
    private Mono<ServerResponse> refused(ServerRequest request, PortalUser user, PortalApiProblem problem) {
        if (problem.signedOut()) {
            return request.session().flatMap(WebSession::invalidate)
                    .then(ServerResponse.seeOther(URI.create(SIGN_IN + "?error")).build());
        }
        return csrf(request).flatMap(token -> ServerResponse.status(HttpStatus.valueOf(problem.status())).render("portal/refused",
                Map.of("_csrf", token, "user", Navigation.of(user), "status", problem.status(), "detail", problem.getMessage())));
    }

    private Mono<ServerResponse> download(ServerRequest request, String pathAndQuery, String filename) {
        return user(request).flatMap(user -> api.download(user, pathAndQuery)).flatMap(answer -> streamed(answer, filename));
    }

    private static Mono<ServerResponse> streamed(ResponseEntity<Flux<DataBuffer>> answer, String filename) {
        ServerResponse.BodyBuilder response = ServerResponse.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
        if (answer.getHeaders().getContentType() != null) {
            response.contentType(answer.getHeaders().getContentType());
        }
        return response.body(BodyInserters.fromDataBuffers(answer.getBody()));
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

    private static Optional<List<String>> words(String text) {
        return Optional.ofNullable(text).map(String::strip).filter(value -> !value.isEmpty())
                .map(value -> Arrays.stream(value.split("[,\\s]+")).filter(word -> !word.isEmpty()).toList());
    }

    /** The non-blank query parameters of these names that the page was asked with. */
    private static Map<String, String> given(ServerRequest request, String... names) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : names) {
            request.queryParam(name).filter(value -> !value.isBlank()).ifPresent(value -> given.put(name, value));
        }
        return given;
    }

    /** Each value encoded whole, so that a '&' or '=' typed into a filter stays part of that filter. */
    private static String withQuery(String encodedPath, Map<String, String> query) {
        UriComponentsBuilder builder = UriComponentsBuilder.fromPath(encodedPath);
        query.forEach((name, value) -> builder.queryParam(name, UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8)));
        return builder.build(true).toUriString();
    }

    private static String path(String template, Object... variables) {
        return UriComponentsBuilder.fromPath(template).encode().buildAndExpand(variables).toUriString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? new HashMap<>() : JSON.convertValue(node, HashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(JsonNode node) {
        return node == null || !node.isArray() ? List.of() : JSON.convertValue(node, List.class);
    }
}
