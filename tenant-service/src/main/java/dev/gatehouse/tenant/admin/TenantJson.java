package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantSettings;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/** The JSON form of tenants and their settings in the admin API. */
final class TenantJson {

    static final Set<String> SETTINGS_FIELDS = Set.of("plan", "residency_regions", "allowed_purposes", "content_logging", "retention_days");
    private static final Set<String> PLAN_FIELDS = Set.of("requests_per_minute", "tokens_per_minute", "monthly_budget_usd");

    private TenantJson() {
    }

    static ObjectNode write(Tenant tenant) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("id", tenant.id().toString());
        node.put("slug", tenant.slug());
        node.put("display_name", tenant.displayName());
        node.put("status", tenant.status().name().toLowerCase(Locale.ROOT));
        TenantSettings settings = tenant.settings();
        ObjectNode plan = node.putObject("plan");
        plan.put("requests_per_minute", settings.plan().requestsPerMinute());
        plan.put("tokens_per_minute", settings.plan().tokensPerMinute());
        plan.put("monthly_budget_usd", settings.plan().monthlyBudgetUsd());
        AdminRequests.putSorted(node, "residency_regions", settings.residencyRegions());
        AdminRequests.putSorted(node, "allowed_purposes", settings.allowedPurposes());
        node.put("content_logging", settings.contentLogging());
        node.put("retention_days", settings.retentionDays());
        return node;
    }

    /** {@code base} with every settings field present in {@code body} replaced; the plan is merged field by field. */
    static TenantSettings merge(TenantSettings base, JsonNode body) {
        Plan plan = body.has("plan") ? mergePlan(base.plan(), body.get("plan")) : base.plan();
        Set<String> regions = body.has("residency_regions") ? requiredList(body, "residency_regions") : base.residencyRegions();
        Set<String> purposes = body.has("allowed_purposes") ? requiredList(body, "allowed_purposes") : base.allowedPurposes();
        boolean logging = body.has("content_logging")
                ? AdminRequests.requiredBoolean(body.get("content_logging"), "content_logging") : base.contentLogging();
        int retention = body.has("retention_days")
                ? (int) AdminRequests.requiredInteger(body.get("retention_days"), "retention_days", 0, Integer.MAX_VALUE) : base.retentionDays();
        return new TenantSettings(plan, regions, purposes, logging, retention);
    }

    private static Plan mergePlan(Plan base, JsonNode plan) {
        if (!plan.isObject()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'plan' must be an object.", "plan");
        }
        for (Iterator<String> names = plan.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PLAN_FIELDS.contains(name)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST,
                        "Unknown plan field; a plan has requests_per_minute, tokens_per_minute and monthly_budget_usd.", "plan." + name);
            }
        }
        int requests = plan.has("requests_per_minute")
                ? (int) AdminRequests.requiredInteger(plan.get("requests_per_minute"), "plan.requests_per_minute", 1, Integer.MAX_VALUE)
                : base.requestsPerMinute();
        long tokens = plan.has("tokens_per_minute")
                ? AdminRequests.requiredInteger(plan.get("tokens_per_minute"), "plan.tokens_per_minute", 1, Long.MAX_VALUE)
                : base.tokensPerMinute();
        BigDecimal budget = plan.has("monthly_budget_usd") ? budget(plan.get("monthly_budget_usd")) : base.monthlyBudgetUsd();
        return new Plan(requests, tokens, budget);
    }

    private static BigDecimal budget(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'plan.monthly_budget_usd' must be a number or null.", "plan.monthly_budget_usd");
        }
        return value.decimalValue();
    }

    private static Set<String> requiredList(JsonNode body, String field) {
        Set<String> values = AdminRequests.optionalTextList(body, field);
        if (values == null) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be an array of strings.", field);
        }
        return values;
    }
}
