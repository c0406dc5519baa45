package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelAccess;
import dev.gatehouse.catalog.ModelCompliance;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelLifecycle;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelStatus;
import dev.gatehouse.catalog.Visibility;
import dev.gatehouse.policy.SpecialCategories;
import dev.gatehouse.tenant.admin.AdminRequests;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import static dev.gatehouse.catalog.admin.CatalogFields.invalid;

/**
 * Reads a model from the JSON of the admin API and of the declarative catalog file: a whole model
 * when it is created, or the fields to change on an existing one. Every rule of what a valid model
 * is lives here, so both ways in refuse the same things with the same messages.
 */
public final class ModelRequests {

    /** Every field a model request may carry. */
    public static final Set<String> FIELDS = Set.of("id", "kind", "display_name", "publisher", "description", "model_card", "license",
            "context_length", "pricing", "certifications", "special_categories", "data_retention_days", "zero_retention", "status",
            "sunset_at", "visibility", "shared_with", "approval_required", "owner_tenant", "fallback_models");
    static final Set<String> PRICING_FIELDS = Set.of("input_per_million_tokens", "output_per_million_tokens", "per_request", "currency",
            "effective_from");
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_SUMMARY = 2_000;
    private static final int MAX_CARD = 100_000;
    private static final BigDecimal MAX_PRICE = new BigDecimal("1000000");
    private static final int MAX_RETENTION_DAYS = 36_500;
    private static final int MAX_CONTEXT_LENGTH = 100_000_000;
    /** Each fallback may cost the caller another round of attempts; a few are plenty. */
    public static final int MAX_FALLBACK_MODELS = 4;

    /**
     * What a model request needs from its surroundings: the owning tenant for a new model, the
     * default publisher name, tenants by slug (for {@code shared_with}), and the current time.
     */
    public record Context(UUID ownerTenant, String defaultPublisher, Function<String, UUID> tenantBySlug, Instant now) {
    }

    private ModelRequests() {
    }

    public static boolean isPlausibleModelId(String id) {
        return id != null && MODEL_ID.matcher(id).matches();
    }

    /** A new model from a whole request. */
    public static CatalogModel create(JsonNode body, Context context) {
        JsonNode id = body.get("id");
        if (id == null || !id.isTextual() || !MODEL_ID.matcher(id.asText()).matches()) {
            throw invalid("id", "'id' is required: 1-128 characters of letters, digits and . _ : - , starting with a letter or digit.");
        }
        if (!body.hasNonNull("kind")) {
            throw invalid("kind", "'kind' is required: " + ModelKind.codes() + ".");
        }
        if (!body.hasNonNull("display_name")) {
            throw invalid("display_name", "'display_name' is required.");
        }
        if (!body.hasNonNull("pricing")) {
            throw invalid("pricing", "'pricing' is required (zero prices are prices: {\"input_per_million_tokens\": 0, ...}).");
        }
        return merge(body, null, id.asText(), context);
    }

    /** The existing model with the request's fields changed; {@code id} and {@code kind} cannot change. */
    public static CatalogModel update(JsonNode body, CatalogModel existing, Context context) {
        if (body.has("id") && !existing.id().equals(body.get("id").asText())) {
            throw invalid("id", "A model's id cannot change; create a new model instead.");
        }
        if (body.has("kind") && !existing.kind().code().equals(body.get("kind").asText())) {
            throw invalid("kind", "A model's kind cannot change; create a new model instead.");
        }
        return merge(body, existing, existing.id(), context);
    }

    private static CatalogModel merge(JsonNode body, CatalogModel base, String id, Context context) {
        ModelKind kind = base != null ? base.kind()
                : CatalogFields.choice(body, "kind", ModelKind::fromCode, ModelKind.codes(), null);
        if (kind == null) {
            throw invalid("kind", "'kind' must be one of " + ModelKind.codes() + ".");
        }
        ModelDescription description = description(body, base == null ? null : base.description(), context.defaultPublisher());
        ModelCompliance compliance = compliance(body, base == null ? ModelCompliance.NONE : base.compliance());
        ModelLifecycle lifecycle = lifecycle(body, base == null ? ModelLifecycle.GENERALLY_AVAILABLE : base.lifecycle(), context.now());
        ModelAccess access = access(body, base == null ? ModelAccess.PUBLIC_OPEN : base.access(), context);
        List<ModelPrice> prices = prices(body, base == null ? List.of() : base.prices(), context.now());
        List<String> fallbacks = fallbackModels(body, id, base == null ? List.of() : base.fallbackModels());
        return new CatalogModel(id, kind, base == null ? context.ownerTenant() : base.ownerTenant(), description, compliance, lifecycle, access,
                prices, base != null && base.simulator(), base == null ? context.now() : base.createdAt(),
                base == null ? List.of() : base.backends(), fallbacks);
    }

    /** The ids in {@code fallback_models}, in order: distinct, well formed, never the model itself. Whether they exist is {@link #checkFallbacks}'s to say. */
    private static List<String> fallbackModels(JsonNode body, String id, List<String> base) {
        JsonNode value = body.get("fallback_models");
        if (value == null) {
            return base;
        }
        if (value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MAX_FALLBACK_MODELS) {
            throw invalid("fallback_models", "'fallback_models' must be an array of at most " + MAX_FALLBACK_MODELS + " model ids.");
        }
        List<String> fallbacks = new ArrayList<>();
        for (JsonNode entry : value) {
            if (!entry.isTextual() || !MODEL_ID.matcher(entry.asText()).matches()) {
                throw invalid("fallback_models", "'fallback_models' must contain only model ids.");
            }
            String fallback = entry.asText();
            if (fallback.equals(id)) {
                throw invalid("fallback_models", "A model cannot be its own fallback.");
            }
            if (fallbacks.contains(fallback)) {
                throw invalid("fallback_models", "'fallback_models' names '" + fallback + "' twice.");
            }
            fallbacks.add(fallback);
        }
        return List.copyOf(fallbacks);
    }

    /**
     * Refuses fallbacks that do not exist (or that the model's publisher cannot see, which is the
     * same to it), that are of another kind, or that lead back to the model through the fallbacks of
     * others; {@code models} finds the catalog's models as they will be once this one is saved.
     */
    public static void checkFallbacks(CatalogModel model, Function<String, Optional<CatalogModel>> models) {
        for (String fallbackId : model.fallbackModels()) {
            CatalogModel fallback = models.apply(fallbackId)
                    .filter(found -> model.ownerTenant() == null || found.visibleTo(model.ownerTenant()))
                    .orElseThrow(() -> invalid("fallback_models", "'fallback_models' names no model '" + fallbackId + "' that you can see."));
            if (fallback.kind() != model.kind()) {
                throw invalid("fallback_models", "The fallback '" + fallbackId + "' is a " + fallback.kind().code()
                        + " model; a " + model.kind().code() + " model needs " + model.kind().code() + " fallbacks.");
            }
        }
        Deque<List<String>> paths = new ArrayDeque<>();
        model.fallbackModels().forEach(fallback -> paths.push(List.of(model.id(), fallback)));
        while (!paths.isEmpty()) {
            List<String> path = paths.pop();
            String last = path.get(path.size() - 1);
            for (String next : models.apply(last).map(CatalogModel::fallbackModels).orElse(List.of())) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(model.id())) {
                    throw invalid("fallback_models", "The fallbacks would form a cycle: " + String.join(" -> ", longer) + ".");
                }
                if (!path.contains(next)) {
                    paths.push(longer);
                }
            }
        }
    }

    private static ModelDescription description(JsonNode body, ModelDescription base, String defaultPublisher) {
        String displayName = CatalogFields.optionalText(body, "display_name", AdminRequests.MAX_NAME_LENGTH, base == null ? null : base.displayName());
        if (displayName == null || displayName.isEmpty()) {
            throw invalid("display_name", "'display_name' must be a non-empty string.");
        }
        String publisher = CatalogFields.optionalText(body, "publisher", AdminRequests.MAX_NAME_LENGTH,
                base == null ? defaultPublisher : base.publisher());
        if (publisher.isEmpty()) {
            throw invalid("publisher", "'publisher' must be a non-empty string.");
        }
        return new ModelDescription(displayName, publisher,
                CatalogFields.optionalText(body, "description", MAX_SUMMARY, base == null ? "" : base.summary()),
                CatalogFields.optionalMultilineText(body, "model_card", MAX_CARD, base == null ? "" : base.modelCard()),
                CatalogFields.optionalText(body, "license", AdminRequests.MAX_NAME_LENGTH, base == null ? "" : base.license()),
                CatalogFields.optionalInteger(body, "context_length", 1, MAX_CONTEXT_LENGTH, base == null ? null : base.contextLength()));
    }

    private static ModelCompliance compliance(JsonNode body, ModelCompliance base) {
        Set<String> certifications = CatalogFields.codes(body, "certifications", null, base.certifications());
        Set<String> categories = CatalogFields.codes(body, "special_categories", SpecialCategories.CODES, base.certifiedSpecialCategories());
        Integer retention = CatalogFields.optionalInteger(body, "data_retention_days", 0, MAX_RETENTION_DAYS, base.dataRetentionDays());
        boolean zeroRetention = CatalogFields.optionalBoolean(body, "zero_retention", base.zeroRetention());
        if (zeroRetention && retention != null && retention != 0) {
            throw invalid("data_retention_days", "A zero-retention model retains nothing: 'data_retention_days' must be 0 or absent.");
        }
        return new ModelCompliance(certifications, categories, retention, zeroRetention);
    }

    private static ModelLifecycle lifecycle(JsonNode body, ModelLifecycle base, Instant now) {
        ModelStatus status = CatalogFields.choice(body, "status", ModelStatus::fromCode, "preview, ga, deprecated", base.status());
        Instant sunset = CatalogFields.optionalInstant(body, "sunset_at", status == base.status() ? base.sunsetAt() : null);
        if (status == ModelStatus.DEPRECATED && sunset == null) {
            throw invalid("sunset_at", "A deprecated model needs 'sunset_at', the instant after which it answers no more calls.");
        }
        if (status != ModelStatus.DEPRECATED && sunset != null) {
            throw invalid("sunset_at", "Only a deprecated model has a 'sunset_at'; set 'status' to deprecated.");
        }
        if (status != ModelStatus.DEPRECATED) {
            return new ModelLifecycle(status, null, null);
        }
        return ModelLifecycle.deprecated(base.deprecated() ? base.deprecatedAt() : now, sunset);
    }

    private static ModelAccess access(JsonNode body, ModelAccess base, Context context) {
        Visibility visibility = CatalogFields.choice(body, "visibility", Visibility::fromCode, "public, private, shared", base.visibility());
        Set<UUID> sharedWith = base.sharedWith();
        Set<String> slugs = AdminRequests.optionalTextList(body, "shared_with");
        if (slugs != null) {
            sharedWith = new java.util.HashSet<>();
            for (String slug : slugs) {
                UUID tenant = context.tenantBySlug().apply(slug);
                if (tenant == null) {
                    throw invalid("shared_with", "'shared_with' names no tenant '" + CatalogFields.checkedText(slug, "shared_with", 64) + "'.");
                }
                sharedWith.add(tenant);
            }
        }
        if (visibility != Visibility.SHARED) {
            if (slugs != null && !slugs.isEmpty()) {
                throw invalid("shared_with", "'shared_with' applies to shared models only; set 'visibility' to shared.");
            }
            sharedWith = Set.of();
        } else if (sharedWith.isEmpty()) {
            throw invalid("shared_with", "A shared model needs 'shared_with', the slugs of the tenants that may see it.");
        }
        return new ModelAccess(visibility, sharedWith, CatalogFields.optionalBoolean(body, "approval_required", base.approvalRequired()));
    }

    /**
     * The price history with the request's price added. A new price takes effect at its
     * {@code effective_from} (now when absent), which may not lie in the past: usage already
     * costed is never re-priced.
     */
    private static List<ModelPrice> prices(JsonNode body, List<ModelPrice> history, Instant now) {
        JsonNode pricing = CatalogFields.optionalObject(body, "pricing");
        if (pricing == null) {
            return history;
        }
        CatalogFields.onlyFields(pricing, "pricing", PRICING_FIELDS);
        ModelPrice current = history.isEmpty() ? null : history.get(history.size() - 1);
        Instant effectiveFrom = CatalogFields.optionalInstant(pricing, "effective_from", now);
        if (effectiveFrom == null || effectiveFrom.isBefore(now.minusSeconds(1))) {
            throw invalid("pricing.effective_from", "'pricing.effective_from' may not lie in the past: past calls keep the price they were made at.");
        }
        JsonNode requestedCurrency = pricing.get("currency");
        boolean named = requestedCurrency != null && !requestedCurrency.isNull();
        String currency = named ? requestedCurrency.asText() : current == null ? ModelPrice.DEFAULT_CURRENCY : current.currency();
        if ((named && !requestedCurrency.isTextual()) || !currency.matches("[A-Z]{3}")) {
            throw invalid("pricing.currency", "'pricing.currency' must be an ISO 4217 code such as USD or EUR.");
        }
        ModelPrice price = new ModelPrice(effectiveFrom,
                priceField(pricing, "input_per_million_tokens", current == null ? null : current.inputPerMillionTokens()),
                priceField(pricing, "output_per_million_tokens", current == null ? null : current.outputPerMillionTokens()),
                priceField(pricing, "per_request", current == null ? BigDecimal.ZERO : current.perRequest()),
                currency);
        List<ModelPrice> prices = new ArrayList<>(history);
        prices.add(price);
        return prices;
    }

    private static BigDecimal priceField(JsonNode pricing, String field, BigDecimal fallback) {
        JsonNode value = pricing.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw invalid("pricing." + field, "'pricing." + field + "' is required.");
            }
            return fallback;
        }
        return CatalogFields.amount(value, "pricing." + field, MAX_PRICE);
    }
}
