package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.tenant.InvalidAttributeException;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.PUT;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * {@code /admin/v1/tenants/{slug}/compliance}: what the tenant records for the compliance policy
 * and the prompt scanner (default purpose, legal bases for transfers and special categories, the
 * transfer choice, the injection threshold and action, response scanning, whether content logging is
 * required). {@code PUT} replaces the whole profile;
 * gateways pick it up within their refresh interval, without a restart.
 */
public final class ComplianceAdminApi {

    private static final Set<String> FIELDS = Set.of("default_purpose", "transfer_bases", "special_category_bases",
            "transfer_choice", "injection_threshold", "injection_action", "scan_responses",
            "require_content_log");

    private final AdminAccess access;
    private final ComplianceProfiles profiles;

    public ComplianceAdminApi(TenantDatabase database, BearerAuthenticator callers, ComplianceProfiles profiles) {
        this.access = new AdminAccess(callers, database);
        this.profiles = profiles;
    }

    public RouterFunction<ServerResponse> routes() {
        return AdminRequests.answering(MediaType.APPLICATION_JSON, AdminRequests.withAttributeProblems(
                route(GET("/admin/v1/tenants/{slug}/compliance"), this::read)
                        .andRoute(PUT("/admin/v1/tenants/{slug}/compliance"), this::replace)));
    }

    private Mono<ServerResponse> read(ServerRequest request) {
        return access.administrator(request)
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> toJson(profiles.of(access.manageableTenant(caller, request).id())))
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private Mono<ServerResponse> replace(ServerRequest request) {
        return access.administrator(request)
                .zipWith(AdminRequests.jsonBody(request, FIELDS))
                .publishOn(Schedulers.boundedElastic())
                .map(callerAndBody -> {
                    Tenant tenant = access.manageableTenant(callerAndBody.getT1(), request);
                    ComplianceProfile profile = fromJson(callerAndBody.getT2());
                    profiles.save(tenant.id(), profile);
                    return toJson(profile);
                })
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private static ComplianceProfile fromJson(JsonNode body) {
        ComplianceProfile defaults = ComplianceProfile.DEFAULTS;
        JsonNode purpose = body.get("default_purpose");
        if (purpose != null && !purpose.isNull() && !purpose.isTextual()) {
            throw new InvalidAttributeException("default_purpose", "'default_purpose' must be a string or null.");
        }
        JsonNode threshold = body.get("injection_threshold");
        if (threshold != null && !threshold.isNumber()) {
            throw new InvalidAttributeException("injection_threshold", "'injection_threshold' must be a number between 0 and 1.");
        }
        return new ComplianceProfile(
                purpose == null || purpose.isNull() ? null : purpose.asText(),
                stringMap(body, "transfer_bases"),
                stringMap(body, "special_category_bases"),
                text(body, "transfer_choice", defaults.transferChoice()),
                threshold == null ? defaults.injectionThreshold() : threshold.doubleValue(),
                text(body, "injection_action", defaults.injectionAction()),
                flag(body, "scan_responses", defaults.scanResponses()),
                flag(body, "require_content_log", defaults.requireContentLog()));
    }

    private static boolean flag(JsonNode body, String field, boolean fallback) {
        return body.has(field) ? AdminRequests.requiredBoolean(body.get(field), field) : fallback;
    }

    private static String text(JsonNode body, String field, String fallback) {
        JsonNode value = body.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new InvalidAttributeException(field, "'" + field + "' must be a string.");
        }
        return value.asText();
    }

    private static Map<String, String> stringMap(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidAttributeException(field, "'" + field + "' must be an object of strings.");
        }
        Map<String, String> map = new LinkedHashMap<>();
        value.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual()) {
                throw new InvalidAttributeException(field, "'" + field + "' must be an object of strings.");
            }
            map.put(entry.getKey(), entry.getValue().asText());
        });
        return map;
    }

    private static ObjectNode toJson(ComplianceProfile profile) {
        ObjectNode body = AdminRequests.JSON.createObjectNode();
        body.put("default_purpose", profile.defaultPurpose());
        ObjectNode transfers = body.putObject("transfer_bases");
        new java.util.TreeMap<>(profile.transferBases()).forEach(transfers::put);
        ObjectNode art9 = body.putObject("special_category_bases");
        new java.util.TreeMap<>(profile.specialCategoryBases()).forEach(art9::put);
        body.put("transfer_choice", profile.transferChoice());
        body.put("injection_threshold", profile.injectionThreshold());
        body.put("injection_action", profile.injectionAction());
        body.put("scan_responses", profile.scanResponses());
        body.put("require_content_log", profile.requireContentLog());
        return body;
    }
}
