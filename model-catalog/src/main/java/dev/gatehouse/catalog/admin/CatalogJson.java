package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.BackendHealthReport;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.Subscription;
import dev.gatehouse.catalog.SubscriptionStatus;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.tenant.admin.AdminRequests;

import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Function;

/**
 * The catalog's JSON answers. Two views of a model: the publisher's (everything it set, backends
 * included) and the browsing tenant's (what a buyer needs: card, prices, regions, certifications;
 * never backend URLs or who else it is shared with). No view ever carries a secret: a credential
 * or client key shows only that it is configured.
 */
final class CatalogJson {

    private CatalogJson() {
    }

    /** What any tenant that can see the model may read about it; {@code subscription} is the reader's own, or null. */
    static ObjectNode listing(CatalogModel model, SubscriptionStatus subscription, Instant now, boolean withCard) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("id", model.id());
        node.put("object", "model");
        node.put("kind", model.kind().code());
        node.put("display_name", model.description().displayName());
        node.put("publisher", model.description().publisher());
        node.put("description", model.description().summary());
        if (withCard) {
            node.put("model_card", model.description().modelCard());
        }
        node.put("license", model.description().license());
        if (model.description().contextLength() == null) {
            node.putNull("context_length");
        } else {
            node.put("context_length", model.description().contextLength());
        }
        node.set("pricing", price(model.priceAt(now)));
        model.prices().stream().filter(price -> price.effectiveFrom().isAfter(now)).findFirst()
                .ifPresentOrElse(next -> node.set("next_pricing", price(next)), () -> node.putNull("next_pricing"));
        AdminRequests.putSorted(node, "regions", model.regions());
        AdminRequests.putSorted(node, "certifications", model.compliance().certifications());
        AdminRequests.putSorted(node, "special_categories", model.compliance().certifiedSpecialCategories());
        if (model.compliance().dataRetentionDays() == null) {
            node.putNull("data_retention_days");
        } else {
            node.put("data_retention_days", model.compliance().dataRetentionDays());
        }
        node.put("zero_retention", model.compliance().zeroRetention());
        node.put("status", model.lifecycle().status().code());
        AdminRequests.putInstant(node, "deprecated_at", model.lifecycle().deprecatedAt());
        AdminRequests.putInstant(node, "sunset_at", model.lifecycle().sunsetAt());
        node.put("approval_required", model.access().approvalRequired());
        node.put("simulator", model.simulator());
        AdminRequests.putInstant(node, "created_at", model.createdAt());
        node.put("subscription", subscription == null ? null : subscription.code());
        return node;
    }

    /** The publisher's view: the listing plus visibility, sharing, the price history and the backends. */
    static ObjectNode publisherView(CatalogModel model, Function<UUID, String> slugOf, Instant now) {
        ObjectNode node = listing(model, null, now, true);
        node.remove("subscription");
        node.put("owner_tenant", model.ownerTenant() == null ? null : slugOf.apply(model.ownerTenant()));
        node.put("visibility", model.access().visibility().code());
        AdminRequests.putSorted(node, "shared_with", model.access().sharedWith().stream().map(slugOf).toList());
        ArrayNode fallbacks = node.putArray("fallback_models");
        model.fallbackModels().forEach(fallbacks::add);
        ArrayNode history = node.putArray("price_history");
        model.prices().forEach(price -> history.add(price(price)));
        ArrayNode backends = node.putArray("backends");
        model.backends().forEach(backend -> backends.add(backend(backend)));
        return node;
    }

    static ObjectNode price(ModelPrice price) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("input_per_million_tokens", price.inputPerMillionTokens().stripTrailingZeros().toPlainString());
        node.put("output_per_million_tokens", price.outputPerMillionTokens().stripTrailingZeros().toPlainString());
        node.put("per_request", price.perRequest().stripTrailingZeros().toPlainString());
        node.put("currency", price.currency());
        AdminRequests.putInstant(node, "effective_from", price.effectiveFrom());
        return node;
    }

    static ObjectNode backend(ModelBackend backend) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("id", backend.id());
        node.put("model", backend.modelId());
        node.put("base_url", backend.baseUrl().toString());
        node.put("upstream_model", backend.upstreamModel());
        node.put("region", backend.region());
        node.put("gpu_type", backend.capacity().gpuType());
        node.put("gpu_count", backend.capacity().gpuCount());
        node.put("max_concurrent_requests", backend.capacity().maxConcurrentRequests());
        node.put("weight", backend.capacity().weight());
        node.put("connect_timeout_ms", backend.capacity().connectTimeout().toMillis());
        node.put("first_byte_timeout_ms", backend.capacity().firstByteTimeout().toMillis());
        node.put("idle_timeout_ms", backend.capacity().idleTimeout().toMillis());
        node.put("serves_responses_api", backend.servesResponsesApi());
        ObjectNode tls = node.putObject("tls");
        tls.put("ca_certificate_pem", backend.tls().caCertificatePem());
        tls.put("client_certificate_pem", backend.tls().clientCertificatePem());
        tls.put("client_key_configured", backend.tls().clientKeyPem() != null);
        UpstreamCredential credential = backend.credential();
        if (credential == null) {
            node.putNull("credential");
        } else {
            ObjectNode described = node.putObject("credential");
            described.put("type", credential.scheme().code());
            described.put("header", credential.headerName());
            described.put("configured", true);
            described.put("readable", credential.readable());
        }
        node.put("local_to_instance", backend.localToInstance());
        return node;
    }

    /** How this gateway process sees the backend; figures it does not have yet are null. */
    static ObjectNode health(BackendHealthReport report) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("state", report.state());
        node.put("in_flight", report.inFlight());
        node.put("max_concurrent_requests", report.maxConcurrentRequests());
        node.put("recent_error_rate", report.recentErrorRate());
        node.put("recent_calls", report.recentCalls());
        node.put("mean_time_to_first_byte_ms", report.meanTimeToFirstByteMillis());
        AdminRequests.putInstant(node, "ejected_until", report.ejectedUntil());
        AdminRequests.putInstant(node, "last_probe_at", report.lastProbeAt());
        node.put("last_probe_up", report.lastProbeUp());
        node.put("queue_length", report.queueLength());
        node.put("kv_cache_usage", report.kvCacheUsage());
        return node;
    }

    static ObjectNode subscription(Subscription subscription, String tenantSlug) {
        ObjectNode node = AdminRequests.JSON.createObjectNode();
        node.put("tenant", tenantSlug);
        node.put("model", subscription.modelId());
        node.put("status", subscription.status().code());
        AdminRequests.putInstant(node, "created_at", subscription.createdAt());
        AdminRequests.putInstant(node, "updated_at", subscription.updatedAt());
        return node;
    }

    static ObjectNode list(Collection<ObjectNode> entries) {
        ObjectNode answer = AdminRequests.JSON.createObjectNode();
        answer.put("object", "list");
        ArrayNode data = answer.putArray("data");
        entries.forEach(data::add);
        return answer;
    }
}
