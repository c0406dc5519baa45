package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.gateway.metering.UsageGrouping;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.gateway.metering.UsageTotal;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ContentNegotiation;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * A tenant's usage, for its admins and auditors (platform admins: any tenant's):
 * {@code GET /admin/v1/tenants/{slug}/usage?from=&to=&group_by=day|model|key}, totals from the daily
 * aggregates, and {@code GET .../usage/export?from=&to=&format=csv|jsonl}, every call, streamed a page
 * at a time so that no export is ever held in memory whole. {@code from} and {@code to} are UTC dates,
 * both included; every parameter is checked before the database is asked. A publisher sees the use
 * of its models by every tenant that calls them: {@code GET .../published-usage?from=&to=&group_by=day|model|tenant}
 * (its publishers, admins and auditors; platform admins: any publisher's), of the models it lists now.
 */
final class UsageAdminRoutes {

    static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
    static final MediaType JSON_LINES = MediaType.parseMediaType("application/jsonl");
    private static final int MAX_DAYS = 366;
    private static final int EXPORT_PAGE = 1000;
    private static final Set<String> USAGE_PARAMETERS = Set.of("from", "to", "group_by");
    private static final Set<String> EXPORT_PARAMETERS = Set.of("from", "to", "format");
    private static final Set<UsageGrouping> TENANT_GROUPINGS = EnumSet.of(UsageGrouping.DAY, UsageGrouping.MODEL, UsageGrouping.KEY);
    private static final Set<UsageGrouping> PUBLISHED_GROUPINGS = EnumSet.of(UsageGrouping.DAY, UsageGrouping.MODEL, UsageGrouping.TENANT);
    private static final String CSV_HEADER = "call_id,request_id,occurred_at,key_id,model_id,endpoint,backend_id,region,status,streamed,"
            + "prompt_tokens,completion_tokens,usage_reported,counted_with,cost,latency_ms,first_token_ms\n";
    private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    private final AdminAccess access;
    private final UsageLedger ledger;
    private final CachedModelCatalog catalog;
    private final TenantDirectory tenants;

    private UsageAdminRoutes(AdminAccess access, UsageLedger ledger, CachedModelCatalog catalog, TenantDirectory tenants) {
        this.access = access;
        this.ledger = ledger;
        this.catalog = catalog;
        this.tenants = tenants;
    }

    static RouterFunction<ServerResponse> routes(AdminAccess access, UsageLedger ledger, CachedModelCatalog catalog, TenantDirectory tenants) {
        UsageAdminRoutes usage = new UsageAdminRoutes(access, ledger, catalog, tenants);
        return AdminRequests.answering(MediaType.APPLICATION_JSON, route(GET("/admin/v1/tenants/{slug}/usage"), usage::totals)
                        .andRoute(GET("/admin/v1/tenants/{slug}/published-usage"), usage::publishedTotals))
                .and(route(GET("/admin/v1/tenants/{slug}/usage/export"), usage::export));
    }

    /** The UTC days asked for: both ends included, at most a year. */
    record Period(LocalDate from, LocalDate to) {

        static Period of(ServerRequest request) {
            LocalDate from = date(request, "from");
            LocalDate to = date(request, "to");
            if (to.isBefore(from)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'to' must be on or after 'from'.", "to");
            }
            if (from.plusDays(MAX_DAYS).isBefore(to.plusDays(1))) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "A period may span at most " + MAX_DAYS + " days.", "to");
            }
            return new Period(from, to);
        }

        private static LocalDate date(ServerRequest request, String name) {
            String text = request.queryParam(name).orElseThrow(() -> new ApiProblem(ProblemType.INVALID_REQUEST,
                    "'" + name + "' is required: a UTC date such as 2026-12-01.", name));
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' must be a date such as 2026-12-01.", name);
            }
        }

        LocalDate untilExclusive() {
            return to.plusDays(1);
        }
    }

    private record TotalsQuery(ApiKeyPrincipal caller, Period period, UsageGrouping grouping) {
    }

    private record ExportQuery(ApiKeyPrincipal caller, Period period, ExportFormat format) {
    }

    private Mono<ServerResponse> totals(ServerRequest request) {
        return access.administratorOrAuditor(request).map(caller -> totalsQuery(request, caller, TENANT_GROUPINGS))
                .publishOn(Schedulers.boundedElastic())
                .map(query -> {
                    Tenant tenant = access.manageableTenant(query.caller(), request);
                    Period period = query.period();
                    return totalsJson(tenant, period, query.grouping(),
                            ledger.totals(tenant.id(), period.from(), period.untilExclusive(), query.grouping()));
                })
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    /** Calls by every tenant to the models the tenant lists now; a calling tenant gone since is named by its id. */
    private Mono<ServerResponse> publishedTotals(ServerRequest request) {
        return access.member(request).map(caller -> {
                    if (!caller.hasRole(Role.PUBLISHER) && !caller.hasRole(Role.TENANT_ADMIN) && !caller.hasRole(Role.AUDITOR)
                            && !caller.hasRole(Role.PLATFORM_ADMIN)) {
                        throw new ApiProblem(ProblemType.FORBIDDEN, "This needs the publisher, tenant-admin, auditor or platform-admin role.");
                    }
                    return totalsQuery(request, caller, PUBLISHED_GROUPINGS);
                })
                .publishOn(Schedulers.boundedElastic())
                .map(query -> {
                    Tenant publisher = access.manageableTenant(query.caller(), request);
                    Period period = query.period();
                    List<String> models = catalog.models().stream().filter(model -> publisher.id().equals(model.ownerTenant()))
                            .map(CatalogModel::id).sorted().toList();
                    List<UsageTotal> totals = ledger.totalsOfModels(models, period.from(), period.untilExclusive(), query.grouping());
                    if (query.grouping() == UsageGrouping.TENANT) {
                        totals = totals.stream().map(total -> total.regrouped(tenants.find(UUID.fromString(total.group()))
                                .map(Tenant::slug).orElse(total.group()))).toList();
                    }
                    ObjectNode body = totalsJson(publisher, period, query.grouping(), totals);
                    models.forEach(body.putArray("models")::add);
                    return body;
                })
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private static TotalsQuery totalsQuery(ServerRequest request, ApiKeyPrincipal caller, Set<UsageGrouping> groupings) {
        AdminRequests.requireKnownQueryParameters(request, USAGE_PARAMETERS, "usage");
        Period period = Period.of(request);
        String allowed = groupings.stream().map(UsageGrouping::code).collect(Collectors.joining(", "));
        UsageGrouping grouping = request.queryParam("group_by").map(code -> UsageGrouping.fromCode(code).filter(groupings::contains)
                        .orElseThrow(() -> new ApiProblem(ProblemType.INVALID_REQUEST, "'group_by' must be one of " + allowed + ".", "group_by")))
                .orElse(UsageGrouping.DAY);
        return new TotalsQuery(caller, period, grouping);
    }

    private static ObjectNode totalsJson(Tenant tenant, Period period, UsageGrouping grouping, List<UsageTotal> totals) {
        ObjectNode body = AdminRequests.JSON.createObjectNode();
        body.put("tenant", tenant.slug());
        body.put("from", period.from().toString());
        body.put("to", period.to().toString());
        body.put("group_by", grouping.code());
        ArrayNode groups = body.putArray("groups");
        long requests = 0;
        long promptTokens = 0;
        long completionTokens = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (UsageTotal total : totals) {
            put(groups.addObject().put(grouping.code(), total.group()), total);
            requests += total.requests();
            promptTokens += total.promptTokens();
            completionTokens += total.completionTokens();
            cost = cost.add(total.cost());
        }
        put(body.putObject("total"), new UsageTotal(null, requests, promptTokens, completionTokens, cost));
        return body;
    }

    private static void put(ObjectNode target, UsageTotal total) {
        target.put("requests", total.requests())
                .put("prompt_tokens", total.promptTokens())
                .put("completion_tokens", total.completionTokens())
                .put("total_tokens", total.totalTokens())
                .put("cost", total.cost());
    }

    private Mono<ServerResponse> export(ServerRequest request) {
        return access.administratorOrAuditor(request).map(caller -> {
                    AdminRequests.requireKnownQueryParameters(request, EXPORT_PARAMETERS, "usage export");
                    Period period = Period.of(request);
                    ExportFormat format = ExportFormat.of(request.queryParam("format").orElse("csv"));
                    ContentNegotiation.requireAcceptable(request.headers().asHttpHeaders(), format.mediaType);
                    return new ExportQuery(caller, period, format);
                })
                .publishOn(Schedulers.boundedElastic())
                .flatMap(query -> {
                    Tenant tenant = access.manageableTenant(query.caller(), request);
                    Period period = query.period();
                    ExportFormat format = query.format();
                    return ServerResponse.ok()
                            .contentType(format.mediaType)
                            .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"usage-" + tenant.slug() + "-" + period.from()
                                    + "-" + period.to() + "." + format.code + "\"")
                            .body(BodyInserters.fromDataBuffers(rows(tenant, period, format)));
                });
    }

    /** The rows page by page, each page read when the one before has been written: memory holds one page. */
    private Flux<DataBuffer> rows(Tenant tenant, Period period, ExportFormat format) {
        Instant from = period.from().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = period.untilExclusive().atStartOfDay(ZoneOffset.UTC).toInstant();
        Flux<List<UsageRecord>> pages = Mono.fromCallable(() -> ledger.page(tenant.id(), from, until, null, EXPORT_PAGE))
                .expand(page -> page.size() < EXPORT_PAGE ? Mono.empty()
                        : Mono.fromCallable(() -> ledger.page(tenant.id(), from, until, page.get(page.size() - 1), EXPORT_PAGE))
                        .subscribeOn(Schedulers.boundedElastic()))
                .subscribeOn(Schedulers.boundedElastic());
        Flux<String> text = pages.concatMap(page -> Flux.fromIterable(page).map(format::line), 1);
        if (format == ExportFormat.CSV) {
            text = Flux.concat(Mono.just(CSV_HEADER), text);
        }
        return text.map(line -> BUFFERS.wrap(line.getBytes(StandardCharsets.UTF_8)));
    }

    enum ExportFormat {
        CSV("csv", UsageAdminRoutes.CSV),
        JSONL("jsonl", JSON_LINES);

        final String code;
        final MediaType mediaType;

        ExportFormat(String code, MediaType mediaType) {
            this.code = code;
            this.mediaType = mediaType;
        }

        static ExportFormat of(String code) {
            for (ExportFormat format : values()) {
                if (format.code.equals(code)) {
                    return format;
                }
            }
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'format' must be csv or jsonl.", "format");
        }

        String line(UsageRecord record) {
            return this == CSV ? UsageExportLines.csv(record) : UsageExportLines.jsonLine(record);
        }
    }
}
