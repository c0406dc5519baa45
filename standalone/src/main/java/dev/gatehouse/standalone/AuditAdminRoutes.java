package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.audit.AuditExport;
import dev.gatehouse.audit.AuditExportJobs;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.AuditRecord;
import dev.gatehouse.audit.AuditRetention;
import dev.gatehouse.audit.SigningKeyDirectory;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.PUT;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The audit API of a tenant's log, under {@code /admin/v1/tenants/{slug}/audit}: search, signed
 * checkpoints (the latest, or one signed on demand), inclusion and consistency proofs, the signed
 * export bundle, retention and legal hold; and the checkpoint-signing public keys at
 * {@code /.well-known/gatehouse-audit-keys.pem}, for anyone. Auditors and tenant admins read their
 * own tenant's log, platform admins any (and the platform log, {@code /admin/v1/audit/platform});
 * another tenant's log answers 404 like a missing one. Every
 * parameter is checked before the database is asked, and a bad one is a 400 naming it.
 */
final class AuditAdminRoutes {

    static final String PUBLIC_KEYS_PATH = "/.well-known/gatehouse-audit-keys.pem";
    private static final String BASE = "/admin/v1/tenants/{slug}/audit";
    private static final String PLATFORM = "/admin/v1/audit/platform";
    private static final Set<String> SEARCH_PARAMETERS = Set.of("from", "to", "action", "cursor", "limit");
    private static final Set<String> EXPORT_PARAMETERS = Set.of("from", "to", "format");
    private static final Pattern ACTION = Pattern.compile("[A-Za-z0-9_ /{}.:-]{1,200}");
    private static final Pattern CURSOR = Pattern.compile("\\d{1,18}");
    private static final MediaType ZIP = MediaType.parseMediaType("application/zip");
    private static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final AdminAccess access;
    private final AuditLog log;
    private final AuditCheckpoints checkpoints;
    private final AuditExport export;
    private final AuditExportJobs exportJobs;
    private final AuditRetention retention;
    private final Ed25519KeyRing signingKeys;
    private final SigningKeyDirectory publishedKeys;
    private final Executor exportWriters = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-audit-export");
        thread.setDaemon(true);
        return thread;
    });

    AuditAdminRoutes(AdminAccess access, AuditLog log, AuditCheckpoints checkpoints, AuditExport export, AuditExportJobs exportJobs,
                     AuditRetention retention, Ed25519KeyRing signingKeys, SigningKeyDirectory publishedKeys) {
        this.access = access;
        this.log = log;
        this.checkpoints = checkpoints;
        this.export = export;
        this.exportJobs = exportJobs;
        this.retention = retention;
        this.signingKeys = signingKeys;
        this.publishedKeys = publishedKeys;
    }

    RouterFunction<ServerResponse> routes() {
        RouterFunction<ServerResponse> json = route(GET(BASE), request -> reading(request, tenant -> search(request, tenant)))
                .andRoute(GET(BASE + "/checkpoint"), request -> reading(request, tenant -> latestCheckpoint(tenant)))
                .andRoute(POST(BASE + "/checkpoints"), request -> reading(request, tenant -> signCheckpoint(tenant)))
                .andRoute(GET(BASE + "/proofs/inclusion"), request -> reading(request, tenant -> inclusion(request, tenant)))
                .andRoute(GET(BASE + "/proofs/consistency"), request -> reading(request, tenant -> consistency(request, tenant)))
                .andRoute(POST(BASE + "/exports"), request -> reading(request, tenant -> startExport(request, tenant)))
                .andRoute(GET(BASE + "/exports/{job}"), request -> reading(request, tenant -> exportJob(request, tenant)))
                .andRoute(GET(BASE + "/retention"), request -> reading(request, tenant -> retentionOf(tenant)))
                .andRoute(PUT(BASE + "/retention"), this::updateRetention)
                .andRoute(GET("/admin/v1/audit/global/checkpoint"), this::globalCheckpoint)
                .andRoute(POST("/admin/v1/audit/signing-keys/rotate"), this::rotateSigningKey)
                .andRoute(GET(PLATFORM), request -> platformReading(request, platform -> search(request, platform)))
                .andRoute(GET(PLATFORM + "/checkpoint"), request -> platformReading(request, this::latestCheckpoint));
        RouterFunction<ServerResponse> bundle = route(GET(BASE + "/export"), this::exportBundle)
                .andRoute(GET(BASE + "/exports/{job}/bundle"), request -> reading(request, tenant -> jobBundle(request, tenant)))
                .andRoute(GET(PLATFORM + "/export"), request -> platformReading(request, platform -> bundleOf(request, platform)));
        RouterFunction<ServerResponse> keys = route(GET(PUBLIC_KEYS_PATH), request -> Mono.fromCallable(() -> checkpoints.publicKeys().toPem())
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(pem -> ServerResponse.ok().contentType(PEM).bodyValue(pem)));
        return AdminRequests.answering(MediaType.APPLICATION_JSON, json).and(AdminRequests.answering(ZIP, bundle)).and(keys);
    }

    /** Auditors, tenant admins (their own tenant) and platform admins (any). */
    private Mono<ServerResponse> reading(ServerRequest request, Function<LogOf, Mono<ServerResponse>> handler) {
        return access.member(request)
                .map(caller -> {
                    requireAnyRole(caller, "The audit API needs the auditor, tenant-admin or platform-admin role.", Role.AUDITOR, Role.TENANT_ADMIN, Role.PLATFORM_ADMIN);
                    return caller;
                })
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    return new LogOf(tenant.id(), tenant.slug());
                })
                .flatMap(handler);
    }

    /** A log and the name its exports carry: a tenant's log (the tenant's slug), or the platform log. */
    private record LogOf(UUID id, String name) {
    }

    /**
     * The platform log (refused authentications of no tenant, tenant creation, catalog changes):
     * platform admins only, since it names every tenant's keys.
     */
    private Mono<ServerResponse> platformReading(ServerRequest request, Function<LogOf, Mono<ServerResponse>> handler) {
        return access.member(request)
                .map(caller -> {
                    AdminAccess.requirePlatformAdmin(caller, "The platform audit log");
                    return caller;
                })
                .publishOn(Schedulers.boundedElastic())
                .flatMap(caller -> handler.apply(new LogOf(AuditLog.PLATFORM_LOG, "platform")));
    }

    private static void requireAnyRole(ApiKeyPrincipal caller, String refusal, Role... roles) {
        for (Role role : roles) {
            if (caller.hasRole(role)) {
                return;
            }
        }
        throw new ApiProblem(ProblemType.FORBIDDEN, refusal);
    }

    private Mono<ServerResponse> search(ServerRequest request, LogOf target) {
        AdminRequests.requireKnownQueryParameters(request, SEARCH_PARAMETERS, "the audit search");
        Instant from = instant(request, "from", Instant.EPOCH);
        Instant to = instant(request, "to", Instant.parse("9999-12-31T23:59:59Z"));
        requireOrdered(from, to);
        String action = request.queryParam("action").map(value -> {
            if (!ACTION.matcher(value).matches()) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'action' must be 1 to 200 of letters, digits and _ /{}.:-", "action");
            }
            return value;
        }).orElse(null);
        long after = request.queryParam("cursor").map(cursor -> {
            if (!CURSOR.matcher(cursor).matches()) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'cursor' must be the next_cursor of a previous page.", "cursor");
            }
            return Long.parseLong(cursor);
        }).orElse(-1L);
        int limit = AdminRequests.queryInteger(request, "limit", 100, 1, 1000);
        List<AuditRecord> page = log.search(target.id(), from, to, action, after, limit);
        ObjectNode body = AdminRequests.JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        page.forEach(record -> data.add(recordJson(record)));
        if (page.size() == limit) {
            body.put("next_cursor", Long.toString(page.get(page.size() - 1).index()));
        } else {
            body.putNull("next_cursor");
        }
        return AdminRequests.json(HttpStatus.OK, body);
    }

    private static ObjectNode recordJson(AuditRecord record) {
        ObjectNode json = AdminRequests.JSON.createObjectNode();
        json.put("index", record.index());
        json.put("record_id", record.recordId());
        json.put("request_id", record.requestId());
        json.put("action", record.action());
        json.put("recorded_at", record.recordedAt().toString());
        json.put("leaf_hash", BASE64.encodeToString(record.leafHash()));
        try {
            json.set("event", record.eventJson() == null ? null : AdminRequests.JSON.readTree(record.eventJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json;
    }

    private Mono<ServerResponse> latestCheckpoint(LogOf target) {
        return checkpoints.latest(target.id()).map(signed -> AdminRequests.json(HttpStatus.OK, checkpointJson(signed)))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "This tenant's audit log has no checkpoint yet: it is empty."));
    }

    private Mono<ServerResponse> signCheckpoint(LogOf target) {
        return checkpoints.sign(target.id()).map(signed -> AdminRequests.json(HttpStatus.CREATED, checkpointJson(signed)))
                .orElseThrow(() -> new ApiProblem(ProblemType.CONFLICT, "This tenant's audit log is empty; there is nothing to sign."));
    }

    private Mono<ServerResponse> globalCheckpoint(ServerRequest request) {
        return access.member(request).map(caller -> {
                    requireAnyRole(caller, "The global audit log needs the auditor or platform-admin role.", Role.AUDITOR, Role.PLATFORM_ADMIN);
                    return caller;
                })
                .publishOn(Schedulers.boundedElastic())
                .flatMap(caller -> checkpoints.latest(AuditLog.GLOBAL_LOG).map(signed -> AdminRequests.json(HttpStatus.OK, checkpointJson(signed)))
                        .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No tenant checkpoint has been signed yet.")));
    }

    /**
     * A new signing key for this replica's checkpoints and exports; the old one stays published, so
     * what it signed still verifies. Platform admins only.
     */
    private Mono<ServerResponse> rotateSigningKey(ServerRequest request) {
        return access.member(request)
                .map(caller -> {
                    AdminAccess.requirePlatformAdmin(caller, "Rotating the audit signing key");
                    return caller;
                })
                .publishOn(Schedulers.boundedElastic())
                .flatMap(caller -> {
                    String keyId = signingKeys.rotate();
                    publishedKeys.publish(signingKeys.publicKeys());
                    ObjectNode body = AdminRequests.JSON.createObjectNode();
                    body.put("key_id", keyId);
                    return AdminRequests.json(HttpStatus.OK, body);
                });
    }

    private static ObjectNode checkpointJson(AuditCheckpoints.SignedCheckpoint signed) {
        ObjectNode json = AdminRequests.JSON.createObjectNode();
        json.put("log_id", signed.checkpoint().logId().toString());
        json.put("size", signed.checkpoint().size());
        json.put("root", BASE64.encodeToString(signed.checkpoint().root()));
        json.put("signed_at", signed.checkpoint().signedAt().toString());
        json.put("key_id", signed.signature().keyId());
        json.put("signature", signed.signature().encode());
        json.put("note", signed.note());
        return json;
    }

    private Mono<ServerResponse> inclusion(ServerRequest request, LogOf target) {
        AdminRequests.requireKnownQueryParameters(request, Set.of("index", "size"), "the inclusion proof");
        long size = requiredLong(request, "size");
        long index = requiredLong(request, "index");
        long logSize = sizeOf(target.id());
        if (size < 1 || size > logSize) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'size' must be from 1 to the log's size, " + logSize + ".", "size");
        }
        if (index >= size) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'index' must be below 'size'.", "index");
        }
        ObjectNode body = AdminRequests.JSON.createObjectNode();
        body.put("index", index);
        body.put("size", size);
        body.put("leaf_hash", BASE64.encodeToString(log.record(target.id(), index).orElseThrow().leafHash()));
        hashes(body.putArray("audit_path"), log.proofs(target.id()).inclusion(index, size));
        return AdminRequests.json(HttpStatus.OK, body);
    }

    private Mono<ServerResponse> consistency(ServerRequest request, LogOf target) {
        AdminRequests.requireKnownQueryParameters(request, Set.of("from", "to"), "the consistency proof");
        long from = requiredLong(request, "from");
        long to = requiredLong(request, "to");
        long logSize = sizeOf(target.id());
        if (to > logSize) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'to' must be at most the log's size, " + logSize + ".", "to");
        }
        if (from > to) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'from' must not be above 'to'.", "from");
        }
        ObjectNode body = AdminRequests.JSON.createObjectNode();
        body.put("from", from);
        body.put("to", to);
        hashes(body.putArray("proof"), log.proofs(target.id()).consistency(from, to));
        return AdminRequests.json(HttpStatus.OK, body);
    }

    private long sizeOf(UUID logId) {
        return log.head(logId).map(AuditLog.TreeHead::size).orElse(0L);
    }

    private static void hashes(ArrayNode target, List<byte[]> hashes) {
        hashes.forEach(hash -> target.add(BASE64.encodeToString(hash)));
    }

    private Mono<ServerResponse> retentionOf(LogOf target) {
        return AdminRequests.json(HttpStatus.OK, retentionJson(retention.settings(target.id())));
    }

    /** Tenant admins set their own tenant's retention; a legal hold is placed or lifted by platform admins only. */
    private Mono<ServerResponse> updateRetention(ServerRequest request) {
        return access.administrator(request)
                .flatMap(caller -> AdminRequests.jsonBody(request, Set.of("retention_days", "legal_hold")).publishOn(Schedulers.boundedElastic()).map(body -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    AuditRetention.Settings current = retention.settings(tenant.id());
                    Integer days = current.retentionDays();
                    if (body.has("retention_days")) {
                        JsonNode value = body.get("retention_days");
                        if (!value.isNull() && (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1 || value.asInt() > 36_500)) {
                            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'retention_days' must be null (keep forever) or an integer from 1 to 36500.", "retention_days");
                        }
                        days = value.isNull() ? null : value.asInt();
                    }
                    boolean hold = current.legalHold();
                    if (body.has("legal_hold")) {
                        hold = AdminRequests.requiredBoolean(body.get("legal_hold"), "legal_hold");
                        if (hold != current.legalHold()) {
                            AdminAccess.requirePlatformAdmin(caller, "Placing or lifting a legal hold");
                        }
                    }
                    AuditRetention.Settings updated = new AuditRetention.Settings(days, hold);
                    retention.update(tenant.id(), updated);
                    return updated;
                }))
                .flatMap(updated -> AdminRequests.json(HttpStatus.OK, retentionJson(updated)));
    }

    private static ObjectNode retentionJson(AuditRetention.Settings settings) {
        ObjectNode json = AdminRequests.JSON.createObjectNode();
        if (settings.retentionDays() == null) {
            json.putNull("retention_days");
        } else {
            json.put("retention_days", settings.retentionDays());
        }
        json.put("legal_hold", settings.legalHold());
        return json;
    }

    /**
     * The signed bundle, streamed as it is written (the writer blocks while the caller reads slowly).
     * Its number of records is known before the first byte, in {@code X-Gatehouse-Export-Records}, and
     * the records come first, so a client sees its progress by counting them.
     */
    private Mono<ServerResponse> exportBundle(ServerRequest request) {
        return reading(request, target -> bundleOf(request, target));
    }

    private Mono<ServerResponse> bundleOf(ServerRequest request, LogOf target) {
        AdminRequests.requireKnownQueryParameters(request, EXPORT_PARAMETERS, "the audit export");
        Instant from = instant(request, "from", Instant.EPOCH);
        Instant to = instant(request, "to", Instant.parse("9999-12-31T23:59:59Z"));
        requireOrdered(from, to);
        AuditExport.Format format = request.queryParam("format").map(AuditAdminRoutes::format).orElse(AuditExport.Format.JSONL);
        AuditExport.Plan plan = export.plan(target.id(), target.name(), from, to, format);
        return ServerResponse.ok().contentType(ZIP)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-" + target.name() + ".zip\"")
                .header("X-Gatehouse-Export-Records", Long.toString(plan.recordCount()))
                .header("X-Gatehouse-Export-Range", plan.first() + "-" + plan.end())
                .body(BodyInserters.fromDataBuffers(DataBufferUtils.outputStreamPublisher(out -> {
                    try {
                        export.write(plan, out, written -> { });
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, DefaultDataBufferFactory.sharedInstance, exportWriters, 64 * 1024)));
    }

    /**
     * Starts an export job of the window: 202 with the job, and its address in {@code Location}. The
     * job's record count is known at once; its state and percentage are polled at that address.
     */
    private Mono<ServerResponse> startExport(ServerRequest request, LogOf target) {
        AdminRequests.requireKnownQueryParameters(request, EXPORT_PARAMETERS, "the audit export");
        Instant from = instant(request, "from", Instant.EPOCH);
        Instant to = instant(request, "to", Instant.parse("9999-12-31T23:59:59Z"));
        requireOrdered(from, to);
        AuditExport.Format format = request.queryParam("format").map(AuditAdminRoutes::format).orElse(AuditExport.Format.JSONL);
        AuditExportJobs.Job job = exportJobs.start(target.id(), target.name(), from, to, format);
        return ServerResponse.status(HttpStatus.ACCEPTED)
                .location(URI.create(jobPath(target, job)))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(jobJson(target, job).toString());
    }

    private Mono<ServerResponse> exportJob(ServerRequest request, LogOf target) {
        AuditExportJobs.Job job = jobOf(request, target);
        return AdminRequests.json(HttpStatus.OK, jobJson(target, job));
    }

    /** The completed job's bundle, streamed from its file; 409 while it is being written or when it failed. */
    private Mono<ServerResponse> jobBundle(ServerRequest request, LogOf target) {
        AuditExportJobs.Job job = jobOf(request, target);
        if (job.state() != AuditExportJobs.State.COMPLETED) {
            throw new ApiProblem(ProblemType.CONFLICT, "The export job is " + job.state().code() + "; its bundle can be downloaded once it is completed.");
        }
        Path bundle = exportJobs.bundle(job).orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND,
                "The bundle of this export job is not on this gateway (it is kept by the one that wrote it); ask for a new export."));
        return ServerResponse.ok().contentType(ZIP)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-" + target.name() + "-" + job.id() + ".zip\"")
                .contentLength(job.bundleBytes())
                .body(BodyInserters.fromResource(new FileSystemResource(bundle)));
    }

    private AuditExportJobs.Job jobOf(ServerRequest request, LogOf target) {
        UUID id;
        try {
            id = UUID.fromString(request.pathVariable("job"));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No such export job.");
        }
        return exportJobs.find(target.id(), id).orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No such export job."));
    }

    private static String jobPath(LogOf target, AuditExportJobs.Job job) {
        return "/admin/v1/tenants/" + target.name() + "/audit/exports/" + job.id();
    }

    private static ObjectNode jobJson(LogOf target, AuditExportJobs.Job job) {
        ObjectNode json = AdminRequests.JSON.createObjectNode();
        json.put("id", job.id().toString());
        json.put("state", job.state().code());
        json.put("percentage", job.percentage());
        json.put("records_done", job.recordsDone());
        json.put("records_total", job.recordsTotal());
        json.put("created_at", job.createdAt().toString());
        json.put("finished_at", job.finishedAt() == null ? null : job.finishedAt().toString());
        if (job.state() == AuditExportJobs.State.COMPLETED) {
            json.put("bundle", jobPath(target, job) + "/bundle");
            json.put("bundle_bytes", job.bundleBytes());
        }
        if (job.error() != null) {
            json.put("error", job.error());
        }
        return json;
    }

    private static AuditExport.Format format(String value) {
        return switch (value) {
            case "jsonl" -> AuditExport.Format.JSONL;
            case "csv" -> AuditExport.Format.CSV;
            default -> throw new ApiProblem(ProblemType.INVALID_REQUEST, "'format' must be jsonl or csv.", "format");
        };
    }

    private static Instant instant(ServerRequest request, String name, Instant absent) {
        return request.queryParam(name).map(value -> {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' must be an ISO-8601 instant such as 2026-12-01T00:00:00Z.", name);
            }
        }).orElse(absent);
    }

    private static void requireOrdered(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'from' must be before 'to'.", "from");
        }
    }

    private static long requiredLong(ServerRequest request, String name) {
        String value = request.queryParam(name).orElseThrow(() -> new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' is required.", name));
        if (!CURSOR.matcher(value).matches()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' must be a non-negative integer.", name);
        }
        return Long.parseLong(value);
    }
}
