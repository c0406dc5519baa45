package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.tenant.ProcessingRegions;
import org.springframework.http.HttpMethod;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static dev.gatehouse.standalone.portal.PortalViews.JSON;
import static dev.gatehouse.standalone.portal.PortalViews.absentOn;
import static dev.gatehouse.standalone.portal.PortalViews.decimalNumber;
import static dev.gatehouse.standalone.portal.PortalViews.field;
import static dev.gatehouse.standalone.portal.PortalViews.list;
import static dev.gatehouse.standalone.portal.PortalViews.map;
import static dev.gatehouse.standalone.portal.PortalViews.page;
import static dev.gatehouse.standalone.portal.PortalViews.path;
import static dev.gatehouse.standalone.portal.PortalViews.posted;
import static dev.gatehouse.standalone.portal.PortalViews.user;
import static dev.gatehouse.standalone.portal.PortalViews.wholeNumber;
import static dev.gatehouse.standalone.portal.PortalViews.words;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Tenant admins' settings: where the tenant's calls may be processed and for what purposes, its
 * compliance profile (each with what it changes for the next call), and its members and machine
 * clients, which live in Keycloak and exist only in distributed mode. The tenant admin API decides.
 */
final class TenantSettingsPages {

    private static final String NEW_CLIENT = "portal.new-client";
    private static final List<String> REGIONS = ProcessingRegions.SUPPORTED.stream().sorted().toList();

    private final PortalApi api;

    TenantSettingsPages(PortalApi api) {
        this.api = api;
    }

    RouterFunction<ServerResponse> routes() {
        return route(GET("/portal/t/{slug}/settings"), this::settings)
                .andRoute(POST("/portal/t/{slug}/settings/processing"), this::changeProcessing)
                .andRoute(POST("/portal/t/{slug}/settings/compliance"), this::changeCompliance)
                .andRoute(GET("/portal/t/{slug}/members"), this::members)
                .andRoute(POST("/portal/t/{slug}/members"), this::addMember)
                .andRoute(POST("/portal/t/{slug}/clients"), this::createClient);
    }

    private Mono<ServerResponse> settings(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> Mono.zip(api.get(user, tenant(slug)), api.get(user, compliance(slug)))
                .flatMap(both -> page(request, user, "portal/settings", Map.of(
                        "slug", slug,
                        "tenant", map(both.getT1()),
                        "profile", map(both.getT2()),
                        "regions", REGIONS))));
    }

    /** Residency, purposes and content logging are tenant settings (PATCH: fields left out keep their value). */
    private Mono<ServerResponse> changeProcessing(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> posted(request, settingsPage(slug), Mono.defer(() -> {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode regions = body.putArray("residency_regions");
            form.getOrDefault("residency_regions", List.of()).forEach(regions::add);
            ArrayNode purposes = body.putArray("allowed_purposes");
            words(form.getFirst("allowed_purposes")).ifPresent(all -> all.forEach(purposes::add));
            body.put("content_logging", form.containsKey("content_logging"));
            field(form, "retention_days").ifPresent(days -> body.put("retention_days", wholeNumber(days, "Keep content for (days)")));
            return api.send(user, HttpMethod.PATCH, tenant(slug), body)
                    .map(answer -> "Processing settings saved: calls from now on are served only in "
                            + String.join(", ", StreamSupport.stream(answer.path("residency_regions").spliterator(), false)
                                    .map(JsonNode::asText).toList()) + ".");
        }))));
    }

    /** The profile is replaced whole: the transfer and special-category bases the form does not show are sent back as they were. */
    private Mono<ServerResponse> changeCompliance(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> posted(request, settingsPage(slug),
                api.get(user, compliance(slug)).flatMap(current -> {
                    ObjectNode profile = current.deepCopy();
                    field(form, "default_purpose").ifPresentOrElse(purpose -> profile.put("default_purpose", purpose),
                            () -> profile.putNull("default_purpose"));
                    field(form, "transfer_choice").ifPresent(choice -> profile.put("transfer_choice", choice));
                    field(form, "injection_threshold").ifPresent(threshold -> profile.put("injection_threshold", decimalNumber(threshold, "Injection threshold")));
                    field(form, "injection_action").ifPresent(action -> profile.put("injection_action", action));
                    profile.put("scan_responses", form.containsKey("scan_responses"));
                    profile.put("require_content_log", form.containsKey("require_content_log"));
                    return api.send(user, HttpMethod.PUT, compliance(slug), profile);
                }).map(answer -> "Compliance profile saved: gateways decide by it within their refresh interval, without a restart."))));
    }

    /** Members and clients are Keycloak's: without it (the embedded default) the API has no such routes and answers 404. */
    private Mono<ServerResponse> members(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> api.get(user, tenant(slug))
                .then(absentOn(404, api.get(user, path("/admin/v1/tenants/{slug}/members", slug))))
                .flatMap(answer -> request.session().flatMap(session -> {
                    Map<String, Object> model = new HashMap<>();
                    model.put("slug", slug);
                    model.put("distributed", answer.has("data"));
                    model.put("members", list(answer.path("data")));
                    model.put("roles", user.grantableRoles());
                    Object created = session.getAttributes().remove(NEW_CLIENT);
                    if (created != null) {
                        model.put("client", created);
                    }
                    return page(request, user, "portal/members", model);
                })));
    }

    private Mono<ServerResponse> addMember(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("email", form.getFirst("email"));
            roles(body, form);
            return posted(request, membersPage(slug), api.send(user, HttpMethod.POST, path("/admin/v1/tenants/{slug}/members", slug), body)
                    .map(member -> member.path("email").asText() + " added: they sign in through the identity provider."));
        }));
    }

    /** A client's secret goes to the next page view only, once, as a new API key's does. */
    private Mono<ServerResponse> createClient(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            ObjectNode body = JSON.createObjectNode();
            body.put("name", form.getFirst("name"));
            roles(body, form);
            return posted(request, membersPage(slug), api.send(user, HttpMethod.POST, path("/admin/v1/tenants/{slug}/clients", slug), body)
                    .flatMap(client -> request.session().map(session -> {
                        session.getAttributes().put(NEW_CLIENT, Map.of("client_id", client.path("client_id").asText(),
                                "client_secret", client.path("client_secret").asText()));
                        return "Client '" + client.path("client_id").asText() + "' created. Copy its secret now: it is shown only this once.";
                    })));
        }));
    }

    private static void roles(ObjectNode body, MultiValueMap<String, String> form) {
        ArrayNode roles = body.putArray("roles");
        form.getOrDefault("roles", List.of()).forEach(roles::add);
    }

    private static String tenant(String slug) {
        return path("/admin/v1/tenants/{slug}", slug);
    }

    private static String compliance(String slug) {
        return path("/admin/v1/tenants/{slug}/compliance", slug);
    }

    private static String settingsPage(String slug) {
        return path("/portal/t/{slug}/settings", slug);
    }

    private static String membersPage(String slug) {
        return path("/portal/t/{slug}/members", slug);
    }
}
