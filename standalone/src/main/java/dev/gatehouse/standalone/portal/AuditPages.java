package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.gatehouse.standalone.portal.PortalViews.JSON;
import static dev.gatehouse.standalone.portal.PortalViews.absentOn;
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
import static dev.gatehouse.standalone.portal.PortalViews.withQuery;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The auditors' pages: the audit search, a record's details with its policy decision, guardrail
 * verdicts and region, the latest checkpoint with its signature checked here against the published
 * keys, a record's inclusion in it proved, and signed exports run as jobs whose progress the page
 * follows. The audit API decides who may read what (auditors, tenant admins, platform admins).
 */
final class AuditPages {

    private static final String PUBLISHED_KEYS = "/.well-known/gatehouse-audit-keys.pem";
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,18}");
    private static final Set<String> UNFINISHED = Set.of("queued", "running");

    private final PortalApi api;

    AuditPages(PortalApi api) {
        this.api = api;
    }

    RouterFunction<ServerResponse> routes() {
        return route(GET("/portal/t/{slug}/audit"), this::search)
                .andRoute(GET("/portal/t/{slug}/audit/records/{index}"), this::record)
                .andRoute(POST("/portal/t/{slug}/audit/checkpoints"), this::signCheckpoint)
                .andRoute(GET("/portal/t/{slug}/audit/export"), this::exportAtOnce)
                .andRoute(POST("/portal/t/{slug}/audit/exports"), this::startExport)
                .andRoute(GET("/portal/t/{slug}/audit/exports/{job}"), this::exportJob)
                .andRoute(GET("/portal/t/{slug}/audit/exports/{job}/bundle"), this::exportBundle);
    }

    private Mono<ServerResponse> search(ServerRequest request) {
        String slug = request.pathVariable("slug");
        Map<String, String> filters = given(request, "action", "from", "to", "cursor");
        Map<String, String> query = new LinkedHashMap<>(filters);
        query.put("limit", "50");
        return user(request).flatMap(user -> Mono.zip(
                        api.get(user, withQuery(path("/admin/v1/tenants/{slug}/audit", slug), query)),
                        latestCheckpoint(user, slug))
                .flatMap(both -> {
                    Map<String, Object> model = new HashMap<>();
                    model.put("slug", slug);
                    model.put("filters", filters);
                    model.put("records", records(both.getT1().path("data")));
                    model.put("nextCursor", both.getT1().path("next_cursor").asText(""));
                    model.putAll(both.getT2().model());
                    return page(request, user, "portal/audit", model);
                }));
    }

    /** The latest checkpoint and its signature's verdict; an empty checkpoint when the log has none yet. */
    private Mono<Latest> latestCheckpoint(PortalUser user, String slug) {
        return absentOn(404, api.get(user, path("/admin/v1/tenants/{slug}/audit/checkpoint", slug))).flatMap(checkpoint -> checkpoint.isEmpty()
                ? Mono.just(new Latest(checkpoint, Map.of()))
                : api.text(user, PUBLISHED_KEYS).map(pem -> new Latest(checkpoint, AuditVerification.signature(checkpoint, pem).view())));
    }

    private record Latest(JsonNode checkpoint, Map<String, String> signature) {

        Map<String, Object> model() {
            return Map.of("checkpoint", map(checkpoint), "signature", signature);
        }
    }

    /** One record, found as the search's page of one after its predecessor (the API's cursor is the previous index). */
    private Mono<ServerResponse> record(ServerRequest request) {
        String slug = request.pathVariable("slug");
        String index = request.pathVariable("index");
        if (!INDEX.matcher(index).matches()) {
            return Mono.error(new PortalApiProblem(404, "There is no audit record at '" + index + "': records are numbered from 0."));
        }
        long position = Long.parseLong(index);
        Map<String, String> query = new LinkedHashMap<>();
        if (position > 0) {
            query.put("cursor", Long.toString(position - 1));
        }
        query.put("limit", "1");
        return user(request).flatMap(user -> api.get(user, withQuery(path("/admin/v1/tenants/{slug}/audit", slug), query))
                .map(answer -> answer.path("data").path(0))
                .filter(record -> record.path("index").asLong(-1) == position)
                .switchIfEmpty(Mono.error(() -> new PortalApiProblem(404, "There is no audit record at index " + position
                        + " of " + slug + "'s log yet.")))
                .flatMap(record -> latestCheckpoint(user, slug).flatMap(latest -> inclusion(user, slug, record, latest.checkpoint())
                        .flatMap(included -> {
                            Map<String, Object> model = new HashMap<>(latest.model());
                            model.put("slug", slug);
                            model.put("r", records(JSON.createArrayNode().add(record)).get(0));
                            Map<String, Object> facts = map(record.path("event").path("facts"));
                            model.put("facts", facts);
                            model.put("reasons", PortalViews.words(String.valueOf(facts.getOrDefault("policy_reasons", ""))).orElse(List.of()));
                            model.put("inclusion", included.view());
                            return page(request, user, "portal/audit-record", model);
                        }))));
    }

    private Mono<AuditVerification.Verdict> inclusion(PortalUser user, String slug, JsonNode record, JsonNode signed) {
        if (signed.isEmpty()) {
            return Mono.just(new AuditVerification.Verdict(AuditVerification.State.PENDING,
                    "No checkpoint is signed yet. Checkpoints are signed every few seconds, or sign one now."));
        }
        if (record.path("index").asLong() >= signed.path("size").asLong()) {
            return Mono.just(AuditVerification.inclusion(record, signed, JSON.createObjectNode()));
        }
        String proof = withQuery(path("/admin/v1/tenants/{slug}/audit/proofs/inclusion", slug), Map.of(
                "index", record.path("index").asText(), "size", signed.path("size").asText()));
        return api.get(user, proof).map(answer -> AuditVerification.inclusion(record, signed, answer));
    }

    private Mono<ServerResponse> signCheckpoint(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            String backTo = field(form, "record").filter(INDEX.asPredicate())
                    .map(index -> path("/portal/t/{slug}/audit/records/{index}", slug, index))
                    .orElse(path("/portal/t/{slug}/audit", slug));
            return posted(request, backTo, api.send(user, HttpMethod.POST, path("/admin/v1/tenants/{slug}/audit/checkpoints", slug), null)
                    .map(checkpoint -> "Checkpoint signed: it covers " + checkpoint.path("size").asText() + " records."));
        }));
    }

    private Mono<ServerResponse> exportAtOnce(ServerRequest request) {
        String slug = request.pathVariable("slug");
        String from = request.queryParam("from").filter(value -> !value.isBlank()).orElse(Instant.EPOCH.toString());
        String export = withQuery(path("/admin/v1/tenants/{slug}/audit/export", slug), Map.of("from", from, "format", "jsonl"));
        return download(api, request, export, "audit-" + slug + ".zip");
    }

    /** The job is planned by the API at once; the browser is sent to its page, which follows its progress. */
    private Mono<ServerResponse> startExport(ServerRequest request) {
        String slug = request.pathVariable("slug");
        return user(request).flatMap(user -> request.formData().flatMap(form -> {
            Map<String, String> query = new LinkedHashMap<>();
            field(form, "from").ifPresent(from -> query.put("from", from));
            field(form, "to").ifPresent(to -> query.put("to", to));
            query.put("format", field(form, "format").orElse("jsonl"));
            return api.send(user, HttpMethod.POST, withQuery(path("/admin/v1/tenants/{slug}/audit/exports", slug), query), null)
                    .flatMap(job -> ServerResponse.seeOther(URI.create(jobPage(slug, job.path("id").asText()))).build())
                    .onErrorResume(PortalApiProblem.class, problem -> problem.signedOut()
                            ? Mono.error(problem) : posted(request, path("/portal/t/{slug}/audit", slug), Mono.error(problem)));
        }));
    }

    private Mono<ServerResponse> exportJob(ServerRequest request) {
        String slug = request.pathVariable("slug");
        String job = request.pathVariable("job");
        return user(request).flatMap(user -> api.get(user, path("/admin/v1/tenants/{slug}/audit/exports/{job}", slug, job))
                .flatMap(answer -> {
                    Map<String, Object> model = new HashMap<>();
                    model.put("slug", slug);
                    model.put("job", map(answer));
                    model.put("unfinished", UNFINISHED.contains(answer.path("state").asText()));
                    model.put("jobPage", jobPage(slug, job));
                    return page(request, user, viewFor(request, "portal/audit-export", "progress"), model);
                }));
    }

    private Mono<ServerResponse> exportBundle(ServerRequest request) {
        String slug = request.pathVariable("slug");
        String job = request.pathVariable("job");
        return download(api, request, path("/admin/v1/tenants/{slug}/audit/exports/{job}/bundle", slug, job),
                "audit-" + slug + "-" + job + ".zip");
    }

    private static String jobPage(String slug, String job) {
        return path("/portal/t/{slug}/audit/exports/{job}", slug, job);
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
}
