package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.UnsafeBackendUrlException;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.gateway.budgets.AlertWebhook;
import dev.gatehouse.gateway.budgets.Budget;
import dev.gatehouse.gateway.budgets.BudgetDirectory;
import dev.gatehouse.gateway.budgets.BudgetGuard;
import dev.gatehouse.gateway.budgets.BudgetPeriod;
import dev.gatehouse.gateway.budgets.BudgetStore;
import dev.gatehouse.gateway.budgets.KeyBudget;
import dev.gatehouse.gateway.budgets.SpendAccount;
import dev.gatehouse.gateway.budgets.SpendCounters.Spend;
import dev.gatehouse.gateway.budgets.TenantBudgetSettings;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeySummary;
import dev.gatehouse.tenant.ApiKeyToken;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.PUT;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Budgets in the admin API, under the same role rules as plans and keys: {@code GET|PUT|DELETE
 * /admin/v1/tenants/{slug}/budget} (the tenant's budget, alert thresholds, webhook and its choice
 * when the limit store is unreachable), {@code GET|PUT|DELETE .../api-keys/{keyId}/budget} (a key's
 * own budget, never above its tenant's), and {@code GET .../budget/status} (spend so far, limit,
 * period, reset, thresholds crossed; for auditors too). Changes take effect on this replica at once
 * and on the others at their next read-model refresh.
 */
final class BudgetAdminRoutes {

    private static final Set<String> TENANT_FIELDS = Set.of("limit_usd", "period", "alert_thresholds", "webhook", "when_limits_unreachable");
    private static final Set<String> KEY_FIELDS = Set.of("limit_usd", "period");
    private static final int MIN_SECRET = 16;
    private static final int MAX_SECRET = 256;
    private static final int MAX_URL = 2000;

    private final AdminAccess access;
    private final TenantDatabase database;
    private final BudgetStore store;
    private final BudgetDirectory directory;
    private final BudgetGuard guard;
    private final BackendUrlPolicy urls;
    private final Clock clock;

    private BudgetAdminRoutes(AdminAccess access, TenantDatabase database, BudgetStore store, BudgetDirectory directory, BudgetGuard guard,
                              BackendUrlPolicy urls, Clock clock) {
        this.access = access;
        this.database = database;
        this.store = store;
        this.directory = directory;
        this.guard = guard;
        this.urls = urls;
        this.clock = clock;
    }

    static RouterFunction<ServerResponse> routes(AdminAccess access, TenantDatabase database, BudgetStore store, BudgetDirectory directory,
                                                 BudgetGuard guard, BackendUrlPolicy urls, Clock clock) {
        BudgetAdminRoutes budgets = new BudgetAdminRoutes(access, database, store, directory, guard, urls, clock);
        return AdminRequests.answering(MediaType.APPLICATION_JSON, route(GET("/admin/v1/tenants/{slug}/budget"), budgets::readTenant)
                .andRoute(PUT("/admin/v1/tenants/{slug}/budget"), budgets::saveTenant)
                .andRoute(DELETE("/admin/v1/tenants/{slug}/budget"), budgets::deleteTenant)
                .andRoute(GET("/admin/v1/tenants/{slug}/budget/status"), budgets::status)
                .andRoute(GET("/admin/v1/tenants/{slug}/api-keys/{keyId}/budget"), budgets::readKey)
                .andRoute(PUT("/admin/v1/tenants/{slug}/api-keys/{keyId}/budget"), budgets::saveKey)
                .andRoute(DELETE("/admin/v1/tenants/{slug}/api-keys/{keyId}/budget"), budgets::deleteKey));
    }

    private Mono<ServerResponse> readTenant(ServerRequest request) {
        return access.administratorOrAuditor(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> tenantJson(access.manageableTenant(caller, request)))
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private Mono<ServerResponse> saveTenant(ServerRequest request) {
        return access.administrator(request)
                .zipWith(AdminRequests.jsonBody(request, TENANT_FIELDS))
                .map(pair -> new Parsed(pair.getT1(), pair.getT2()))
                .publishOn(Schedulers.boundedElastic())
                .map(parsed -> {
                    Tenant tenant = access.manageableTenant(parsed.caller(), request);
                    TenantBudgetSettings settings = tenantSettings(tenant, parsed.body());
                    settings.budget(tenant.settings().plan()).ifPresent(budget -> requireKeysWithin(tenant, budget.limitUsd()));
                    store.save(settings);
                    directory.refresh();
                    return tenantJson(tenant);
                })
                .onErrorMap(CryptoException.class, BudgetAdminRoutes::webhookSecretNotSealed)
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private static ApiProblem webhookSecretNotSealed(CryptoException error) {
        if (error.code() == ErrorCode.KEY_SERVICE_UNAVAILABLE || error.code() == ErrorCode.KEYSTORE_UNAVAILABLE) {
            return new ApiProblem(ProblemType.KEY_SERVICE_UNAVAILABLE,
                    "The key service is unavailable, so the webhook's secret cannot be sealed; nothing was changed, retry shortly.");
        }
        return new ApiProblem(ProblemType.CONFLICT, "This tenant has no key to seal the webhook's secret with; nothing was changed.");
    }

    private Mono<ServerResponse> deleteTenant(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    Optional.ofNullable(tenant.settings().plan().monthlyBudgetUsd()).ifPresent(planned -> requireKeysWithin(tenant, planned));
                    store.deleteTenantSettings(tenant.id());
                    directory.refresh();
                    return tenant;
                })
                .flatMap(tenant -> ServerResponse.noContent().build());
    }

    private Mono<ServerResponse> readKey(ServerRequest request) {
        return access.administratorOrAuditor(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    ApiKeySummary key = keyOf(access.manageableTenant(caller, request), request);
                    KeyBudget budget = directory.keyBudget(key.tenantId(), key.keyId()).orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND,
                            "This key has no budget of its own; its tenant's applies."));
                    return keyJson(budget);
                })
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private Mono<ServerResponse> saveKey(ServerRequest request) {
        return access.administrator(request)
                .zipWith(AdminRequests.jsonBody(request, KEY_FIELDS))
                .map(pair -> new Parsed(pair.getT1(), pair.getT2()))
                .publishOn(Schedulers.boundedElastic())
                .map(parsed -> {
                    Tenant tenant = access.manageableTenant(parsed.caller(), request);
                    ApiKeySummary key = keyOf(tenant, request);
                    JsonNode limit = parsed.body().get("limit_usd");
                    if (limit == null || limit.isNull()) {
                        throw new ApiProblem(ProblemType.INVALID_REQUEST, "'limit_usd' is required: the key's budget in USD.", "limit_usd");
                    }
                    KeyBudget budget = new KeyBudget(tenant.id(), key.keyId(), new Budget(amount(limit, "limit_usd"), period(parsed.body().get("period"))));
                    directory.settings(tenant.id()).budget(tenant.settings().plan()).ifPresent(tenantBudget -> {
                        if (budget.budget().limitUsd().compareTo(tenantBudget.limitUsd()) > 0) {
                            throw new ApiProblem(ProblemType.INVALID_REQUEST, "A key's budget cannot exceed its tenant's ("
                                    + tenantBudget.limitUsd().toPlainString() + " USD); 'limit_usd' must be at most that.", "limit_usd");
                        }
                    });
                    store.save(budget);
                    directory.refresh();
                    return keyJson(budget);
                })
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private Mono<ServerResponse> deleteKey(ServerRequest request) {
        return access.administrator(request).publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    ApiKeySummary key = keyOf(access.manageableTenant(caller, request), request);
                    store.deleteKeyBudget(key.keyId());
                    directory.refresh();
                    return key;
                })
                .flatMap(key -> ServerResponse.noContent().build());
    }

    private Mono<ServerResponse> status(ServerRequest request) {
        return access.administratorOrAuditor(request).publishOn(Schedulers.boundedElastic())
                .flatMap(caller -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    Instant now = clock.instant();
                    List<SpendAccount> accounts = new ArrayList<>();
                    directory.settings(tenant.id()).budget(tenant.settings().plan())
                            .ifPresent(budget -> accounts.add(SpendAccount.of(tenant.id(), null, budget, now)));
                    directory.keyBudgets(tenant.id()).forEach(key -> accounts.add(SpendAccount.of(tenant.id(), key.keyId(), key.budget(), now)));
                    List<CompletableFuture<Spend>> spends = accounts.stream().map(guard::spend).toList();
                    return Mono.fromFuture(() -> CompletableFuture.allOf(spends.toArray(CompletableFuture[]::new)))
                            .onErrorMap(error -> !(error instanceof ApiProblem), error -> new ApiProblem(ProblemType.LIMITS_UNAVAILABLE,
                                    "The budget counters cannot be read right now; retry shortly."))
                            .publishOn(Schedulers.boundedElastic())
                            .then(Mono.fromCallable(() -> statusJson(tenant, accounts, spends.stream().map(CompletableFuture::join).toList())));
                })
                .flatMap(body -> AdminRequests.json(HttpStatus.OK, body));
    }

    private ObjectNode statusJson(Tenant tenant, List<SpendAccount> accounts, List<Spend> spends) {
        ObjectNode body = AdminRequests.JSON.createObjectNode().put("tenant", tenant.slug());
        ArrayNode budgets = body.putArray("budgets");
        for (int i = 0; i < accounts.size(); i++) {
            SpendAccount account = accounts.get(i);
            Spend spend = spends.get(i);
            ObjectNode entry = budgets.addObject().put("scope", account.keyId() == null ? "tenant" : "key");
            if (account.keyId() != null) {
                entry.put("key_id", account.keyId());
            }
            BigDecimal limit = BigDecimal.valueOf(account.limitNanos(), 9).stripTrailingZeros();
            entry.put("limit_usd", limit)
                    .put("spent_usd", BigDecimal.valueOf(spend.spentNanos(), 9))
                    .put("reserved_usd", BigDecimal.valueOf(spend.reservedNanos(), 9))
                    .put("period_start", account.periodStart().toString())
                    .put("resets_at", account.periodEnd().toString());
            ArrayNode crossed = entry.putArray("thresholds_crossed");
            store.crossedThresholds(account).forEach(crossed::add);
        }
        body.put("undelivered_alerts", store.undelivered(tenant.id()));
        return body;
    }

    private record Parsed(ApiKeyPrincipal caller, JsonNode body) {
    }

    private ApiKeySummary keyOf(Tenant tenant, ServerRequest request) {
        String keyId = request.pathVariable("keyId");
        return (ApiKeyToken.isKeyId(keyId) ? database.apiKeys().find(keyId) : Optional.<ApiKeySummary>empty())
                .filter(key -> key.tenantId().equals(tenant.id()))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No API key with this id in this tenant."));
    }

    /** Keys' budgets stay within their tenant's: lowering the tenant's below one of them is refused until that key's is lowered. */
    private void requireKeysWithin(Tenant tenant, BigDecimal tenantLimit) {
        for (KeyBudget key : directory.keyBudgets(tenant.id())) {
            if (key.budget().limitUsd().compareTo(tenantLimit) > 0) {
                throw new ApiProblem(ProblemType.CONFLICT, "The key " + key.keyId() + " has a budget of " + key.budget().limitUsd().toPlainString()
                        + " USD, above " + tenantLimit.toPlainString() + " USD; lower or remove the key's budget first.", "limit_usd");
            }
        }
    }

    private TenantBudgetSettings tenantSettings(Tenant tenant, JsonNode body) {
        JsonNode limit = body.get("limit_usd");
        BigDecimal limitUsd = limit == null || limit.isNull() ? null : amount(limit, "limit_usd");
        BudgetPeriod period = period(body.get("period"));
        if (limitUsd == null && !period.monthly()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "A custom 'period' needs a 'limit_usd'; without one the plan's monthly budget applies.",
                    "period");
        }
        return new TenantBudgetSettings(tenant.id(), limitUsd, period, thresholds(body.get("alert_thresholds")), webhook(body.get("webhook")),
                whenUnreachable(body.get("when_limits_unreachable")));
    }

    private static BigDecimal amount(JsonNode value, String field) {
        if (!value.isNumber() || value.decimalValue().signum() < 0 || value.decimalValue().compareTo(Budget.MAX_LIMIT_USD) > 0
                || value.decimalValue().stripTrailingZeros().scale() > 2) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be an amount in USD from 0 to "
                    + Budget.MAX_LIMIT_USD.toPlainString() + " with at most two decimals.", field);
        }
        return value.decimalValue().setScale(2);
    }

    /** {@code "monthly"} (also when absent), or {@code {"start": "2026-12-01", "days": 30}}. */
    private static BudgetPeriod period(JsonNode value) {
        if (value == null || value.isNull() || value.isTextual() && value.asText().equals("monthly")) {
            return BudgetPeriod.MONTHLY;
        }
        String shape = "'period' must be \"monthly\" or an object {\"start\": a UTC date such as 2026-12-01, \"days\": 1 to "
                + BudgetPeriod.MAX_DAYS + "}.";
        if (!value.isObject() || value.size() != 2 || !value.path("start").isTextual() || !value.has("days")) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, shape, "period");
        }
        LocalDate start;
        try {
            start = LocalDate.parse(value.get("start").asText());
        } catch (DateTimeParseException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, shape, "period.start");
        }
        long days = AdminRequests.requiredInteger(value.get("days"), "period.days", 1, BudgetPeriod.MAX_DAYS);
        return BudgetPeriod.custom(start, (int) days);
    }

    private static List<Integer> thresholds(JsonNode value) {
        if (value == null || value.isNull()) {
            return TenantBudgetSettings.DEFAULT_THRESHOLDS;
        }
        String shape = "'alert_thresholds' must be an array of at most " + TenantBudgetSettings.MAX_THRESHOLDS
                + " ascending whole percentages from 1 to 100, e.g. [50, 80, 100].";
        if (!value.isArray() || value.size() > TenantBudgetSettings.MAX_THRESHOLDS) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, shape, "alert_thresholds");
        }
        List<Integer> thresholds = new ArrayList<>();
        for (JsonNode entry : value) {
            if (!entry.isIntegralNumber() || !entry.canConvertToInt() || entry.intValue() < 1 || entry.intValue() > 100
                    || !thresholds.isEmpty() && entry.intValue() <= thresholds.get(thresholds.size() - 1)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, shape, "alert_thresholds");
            }
            thresholds.add(entry.intValue());
        }
        return thresholds;
    }

    private AlertWebhook webhook(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject() || value.size() != 2 || !value.path("url").isTextual() || !value.path("secret").isTextual()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'webhook' must be null or {\"url\": an http(s) URL, \"secret\": "
                    + MIN_SECRET + " to " + MAX_SECRET + " characters}.", "webhook");
        }
        String text = AdminRequests.checkedText(value.get("url").asText(), "webhook.url", MAX_URL);
        URI url;
        try {
            url = new URI(text);
            urls.check(url);
        } catch (URISyntaxException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'webhook.url' is not a URL.", "webhook.url");
        } catch (UnsafeBackendUrlException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'webhook.url' cannot be used: " + e.getMessage() + ".", "webhook.url");
        }
        String secret = value.get("secret").asText();
        if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'webhook.secret' must be " + MIN_SECRET + " to " + MAX_SECRET
                    + " printable ASCII characters without spaces.", "webhook.secret");
        }
        return new AlertWebhook(url, secret);
    }

    private static boolean whenUnreachable(JsonNode value) {
        if (value == null || value.isNull() || value.isTextual() && value.asText().equals("refuse")) {
            return false;
        }
        if (value.isTextual() && value.asText().equals("admit")) {
            return true;
        }
        throw new ApiProblem(ProblemType.INVALID_REQUEST, "'when_limits_unreachable' must be \"refuse\" (the default) or \"admit\".",
                "when_limits_unreachable");
    }

    private ObjectNode tenantJson(Tenant tenant) {
        TenantBudgetSettings settings = directory.settings(tenant.id());
        ObjectNode body = AdminRequests.JSON.createObjectNode().put("tenant", tenant.slug());
        if (settings.limitUsd() == null) {
            body.putNull("limit_usd");
        } else {
            body.put("limit_usd", settings.limitUsd());
        }
        putPeriod(body, settings.period());
        ArrayNode thresholds = body.putArray("alert_thresholds");
        settings.alertThresholds().forEach(thresholds::add);
        if (settings.webhook() == null) {
            body.putNull("webhook");
        } else {
            body.putObject("webhook").put("url", settings.webhook().url().toString()).put("secret_set", true);
        }
        body.put("when_limits_unreachable", settings.admitWhenLimitsUnreachable() ? "admit" : "refuse");
        ObjectNode effective = body.putObject("effective");
        settings.budget(tenant.settings().plan()).ifPresentOrElse(budget -> {
            effective.put("limit_usd", budget.limitUsd()).put("source", settings.limitUsd() == null ? "plan" : "budget");
            putPeriod(effective, budget.period());
        }, () -> effective.putNull("limit_usd").put("source", "none"));
        return body;
    }

    private static ObjectNode keyJson(KeyBudget key) {
        ObjectNode body = AdminRequests.JSON.createObjectNode().put("key_id", key.keyId()).put("limit_usd", key.budget().limitUsd());
        putPeriod(body, key.budget().period());
        return body;
    }

    private static void putPeriod(ObjectNode target, BudgetPeriod period) {
        if (period.monthly()) {
            target.put("period", "monthly");
        } else {
            target.putObject("period").put("start", period.start().toString()).put("days", period.days());
        }
    }
}
