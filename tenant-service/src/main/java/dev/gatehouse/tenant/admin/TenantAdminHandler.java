package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantSettings;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.PATCH;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Tenants in the admin API: platform admins create, list, suspend, resume and delete them and set
 * their plans; a tenant admin reads and updates their own tenant's settings (not its plan).
 */
final class TenantAdminHandler {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final Set<String> CREATE_FIELDS = with(TenantJson.SETTINGS_FIELDS, "slug", "display_name");
    private static final Set<String> UPDATE_FIELDS = with(TenantJson.SETTINGS_FIELDS, "display_name");
    private static final Set<String> LIST_PARAMETERS = Set.of("limit", "after");
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 200;

    private final TenantDatabase database;
    private final TenantDirectory directory;
    private final TenantLifecycle lifecycle;
    private final AdminAccess access;

    TenantAdminHandler(TenantDatabase database, TenantDirectory directory, TenantLifecycle lifecycle, AdminAccess access) {
        this.database = database;
        this.directory = directory;
        this.lifecycle = lifecycle;
        this.access = access;
    }

    RouterFunction<ServerResponse> routes() {
        return route(POST("/admin/v1/tenants"), this::create)
                .andRoute(GET("/admin/v1/tenants"), this::list)
                .andRoute(GET("/admin/v1/tenants/{slug}"), this::read)
                .andRoute(PATCH("/admin/v1/tenants/{slug}"), this::update)
                .andRoute(POST("/admin/v1/tenants/{slug}/suspend"), this::suspend)
                .andRoute(POST("/admin/v1/tenants/{slug}/resume"), this::resume)
                .andRoute(DELETE("/admin/v1/tenants/{slug}"), this::delete);
    }

    private Mono<ServerResponse> create(ServerRequest request) {
        return access.administrator(request)
                .doOnNext(caller -> AdminAccess.requirePlatformAdmin(caller, "Creating tenants"))
                .then(AdminRequests.jsonBody(request, CREATE_FIELDS))
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    String slug = AdminRequests.requiredText(body, "slug", 63);
                    if (!SLUG.matcher(slug).matches()) {
                        throw new ApiProblem(ProblemType.INVALID_REQUEST,
                                "'slug' must be 2-63 lowercase letters, digits or hyphens, starting with a letter or digit.", "slug");
                    }
                    String displayName = AdminRequests.requiredText(body, "display_name", AdminRequests.MAX_NAME_LENGTH);
                    TenantSettings settings = TenantJson.merge(TenantSettings.DEFAULTS, body);
                    try {
                        Tenant tenant = lifecycle.create(slug, displayName, settings);
                        directory.refresh();
                        return tenant;
                    } catch (DuplicateKeyException e) {
                        throw new ApiProblem(ProblemType.CONFLICT, "A tenant with this slug already exists.", "slug");
                    }
                })
                .flatMap(tenant -> AdminRequests.json(HttpStatus.CREATED, TenantJson.write(tenant)));
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            AdminRequests.requireKnownQueryParameters(request, LIST_PARAMETERS, "the tenant list");
            int limit = AdminRequests.queryInteger(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
            String after = request.queryParam("after").map(TenantAdminHandler::pageCursor).orElse(null);
            List<Tenant> page;
            if (caller.hasRole(Role.PLATFORM_ADMIN)) {
                page = database.tenants().page(after, limit + 1);
            } else {
                page = database.tenants().find(caller.tenantId())
                        .filter(own -> after == null || own.slug().compareTo(after) > 0)
                        .map(List::of).orElse(List.of());
            }
            ObjectNode answer = AdminRequests.JSON.createObjectNode();
            ArrayNode data = answer.putArray("data");
            page.stream().limit(limit).map(TenantJson::write).forEach(data::add);
            boolean more = page.size() > limit;
            answer.put("has_more", more);
            answer.put("next_after", more ? page.get(limit - 1).slug() : null);
            return answer;
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    /** The slug a page continues after; anything else never reaches the database. */
    private static String pageCursor(String after) {
        if (!AdminAccess.isPlausibleSlug(after)) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'after' must be the next_after of a previous page, a tenant slug.", "after");
        }
        return after;
    }

    private Mono<ServerResponse> read(ServerRequest request) {
        return withTenant(request, (caller, tenant) -> tenant);
    }

    private Mono<ServerResponse> update(ServerRequest request) {
        return access.administrator(request).flatMap(caller -> AdminRequests.jsonBody(request, UPDATE_FIELDS)
                .publishOn(Schedulers.boundedElastic())
                .map(body -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    if (body.has("plan")) {
                        AdminAccess.requirePlatformAdmin(caller, "Changing a tenant's plan");
                    }
                    String displayName = body.has("display_name")
                            ? AdminRequests.requiredText(body, "display_name", AdminRequests.MAX_NAME_LENGTH) : tenant.displayName();
                    TenantSettings settings = TenantJson.merge(tenant.settings(), body);
                    Tenant updated = database.tenants().update(tenant.id(), displayName, settings).orElseThrow(TenantAdminHandler::gone);
                    directory.refresh();
                    return updated;
                }))
                .flatMap(tenant -> AdminRequests.json(HttpStatus.OK, TenantJson.write(tenant)));
    }

    private Mono<ServerResponse> suspend(ServerRequest request) {
        return withTenant(request, (caller, tenant) -> {
            AdminAccess.requirePlatformAdmin(caller, "Suspending a tenant");
            refuseOwnTenant(caller, tenant, "suspend");
            Tenant suspended = lifecycle.suspend(tenant).orElseThrow(TenantAdminHandler::gone);
            directory.refresh();
            return suspended;
        });
    }

    private Mono<ServerResponse> resume(ServerRequest request) {
        return withTenant(request, (caller, tenant) -> {
            AdminAccess.requirePlatformAdmin(caller, "Resuming a tenant");
            Tenant resumed = lifecycle.resume(tenant).orElseThrow(TenantAdminHandler::gone);
            directory.refresh();
            return resumed;
        });
    }

    private Mono<ServerResponse> delete(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic()).map(caller -> {
            Tenant tenant = access.manageableTenant(caller, request);
            AdminAccess.requirePlatformAdmin(caller, "Deleting a tenant");
            refuseOwnTenant(caller, tenant, "delete");
            lifecycle.erase(tenant);
            directory.refresh();
            return tenant;
        }).flatMap(erased -> ServerResponse.noContent().build());
    }

    private Mono<ServerResponse> withTenant(ServerRequest request, TenantAction action) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> action.apply(caller, access.manageableTenant(caller, request)))
                .flatMap(tenant -> AdminRequests.json(HttpStatus.OK, TenantJson.write(tenant)));
    }

    /** A platform admin who suspends or deletes their own tenant would lock themselves out. */
    private static void refuseOwnTenant(ApiKeyPrincipal caller, Tenant tenant, String verb) {
        if (tenant.id().equals(caller.tenantId())) {
            throw new ApiProblem(ProblemType.CONFLICT, "You cannot " + verb + " the tenant your own credential belongs to.");
        }
    }

    private static ApiProblem gone() {
        return new ApiProblem(ProblemType.NOT_FOUND, "No tenant with this slug.");
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    @FunctionalInterface
    private interface TenantAction {
        Tenant apply(ApiKeyPrincipal caller, Tenant tenant);
    }
}
