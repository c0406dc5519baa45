package dev.gatehouse.gateway.inspection;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.routing.BackendFailure;
import dev.gatehouse.gateway.routing.BackendHttpClients;
import dev.gatehouse.gateway.routing.BackendLease;
import dev.gatehouse.gateway.routing.BackendSelector;
import dev.gatehouse.scanner.InjectionClassifier;
import dev.gatehouse.scanner.MiniLmInjectionClassifier;
import dev.gatehouse.scanner.remote.OpenInferenceModel;
import dev.gatehouse.scanner.remote.RemoteClassifierEndpoint;
import dev.gatehouse.scanner.remote.RemoteClassifierException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The injection classifier on the catalog's classifier backends (a model of kind
 * {@code injection-classifier} of the platform's own: GPU inference servers of the Open Inference
 * Protocol serving our committed model), with the in-process model as the fallback. A text is sent only to a backend in
 * a region the call allows, chosen like any backend (healthy, least loaded, its circuit breaker and
 * concurrency slots); its windows join those of concurrent scans in one request. A timeout, a 5xx,
 * a malformed answer or another model counts against that backend's health. When no allowed
 * backend can take the text, or it fails, the text is scored in-process by the same model (the
 * score is the same), and the fallback is counted in {@value #FALLBACKS} by reason; a scan never
 * fails for the classifier's sake (decision 0761).
 */
public final class CatalogClassifierBackends implements InjectionClassifier, AutoCloseable {

    public static final String FALLBACKS = "gatehouse.scanner.classifier.fallbacks";
    public static final String REMOTE_SCORES = "gatehouse.scanner.classifier.remote.scores";

    /** How scans reach and batch on the classifier backends. */
    public record Settings(String modelId, Duration timeout, int maxBatchWindows, Duration maxBatchWait) {
        public Settings {
            if (modelId == null || modelId.isBlank()) {
                throw new IllegalArgumentException("gatehouse.scanner.classifier-model names the catalog's classifier model");
            }
            if (timeout.isNegative() || timeout.isZero() || maxBatchWindows < 1 || maxBatchWait.isNegative()) {
                throw new IllegalArgumentException("the classifier timeout must be positive, a batch at least one window, its wait not negative");
            }
        }
    }

    private final ModelCatalog catalog;
    private final BackendSelector selector;
    private final BackendHttpClients clients;
    private final MiniLmInjectionClassifier inProcess;
    private final Settings settings;
    private final MeterRegistry metrics;
    private final Counter remoteScores;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** A backend as last seen in the catalog and the endpoint made for it; a changed backend gets a new one. */
    private record Endpoint(ModelBackend backend, RemoteClassifierEndpoint remote) {
    }

    public CatalogClassifierBackends(ModelCatalog catalog, BackendSelector selector, BackendHttpClients clients,
                                     MiniLmInjectionClassifier inProcess, Settings settings, MeterRegistry metrics) {
        this.catalog = catalog;
        this.selector = selector;
        this.clients = clients;
        this.inProcess = inProcess;
        this.settings = settings;
        this.metrics = metrics;
        this.remoteScores = metrics.counter(REMOTE_SCORES);
    }

    @Override
    public String id() {
        return inProcess.id();
    }

    @Override
    public double score(String normalizedText) {
        return inProcess.score(normalizedText);
    }

    @Override
    public double score(String normalizedText, Set<String> allowedRegions) {
        List<long[]> windows = inProcess.windowsOf(normalizedText);
        // a tenant's published model never receives other tenants' prompts, whatever the setting names
        Optional<CatalogModel> model = catalog.find(settings.modelId())
                .filter(found -> found.kind() == ModelKind.INJECTION_CLASSIFIER && found.ownerTenant() == null);
        if (model.isEmpty()) {
            return inProcess(windows, "no_classifier_model");
        }
        BackendSelector.Choice choice = selector.choose(model.get(), allowedRegions, Set.of());
        if (!(choice instanceof BackendSelector.Leased leased)) {
            return inProcess(windows, choice instanceof BackendSelector.AllBusy ? "backends_busy" : "no_allowed_healthy_backend");
        }
        BackendLease lease = leased.lease();
        try {
            float[] logits = endpointFor(lease.backend()).logits(windows)
                    .get(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
            lease.succeeded();
            remoteScores.increment();
            return inProcess.descriptor().scoreOf(logits);
        } catch (TimeoutException e) {
            lease.failed(BackendFailure.TIMEOUT);
            return inProcess(windows, "timeout");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RemoteClassifierException remote)) {
                // the endpoint was replaced (its backend changed in the catalog) while this scan waited: nothing to hold against it
                lease.abandoned();
                return inProcess(windows, "endpoint_replaced");
            }
            lease.failed(healthFailure(remote.failure()));
            return inProcess(windows, remote.failure().name().toLowerCase(Locale.ROOT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lease.abandoned();
            return inProcess(windows, "interrupted");
        }
    }

    private double inProcess(List<long[]> windows, String reason) {
        metrics.counter(FALLBACKS, "reason", reason).increment();
        return inProcess.scoreOfWindows(windows);
    }

    private RemoteClassifierEndpoint endpointFor(ModelBackend backend) {
        Endpoint seen = endpoints.get(backend.id());
        if (seen != null && seen.backend().equals(backend)) {
            return seen.remote();
        }
        Endpoint current = endpoints.compute(backend.id(), (id, known) -> {
            if (known != null && known.backend().equals(backend)) {
                return known;
            }
            if (known != null) {
                known.remote().close();
            }
            OpenInferenceModel model = new OpenInferenceModel(new BackendInferenceTransport(clients, backend, settings.timeout()),
                    backend.baseUrl(), backend.upstreamModel());
            return new Endpoint(backend, new RemoteClassifierEndpoint(model, inProcess, settings.maxBatchWindows(), settings.maxBatchWait()));
        });
        return current.remote();
    }

    private static BackendFailure healthFailure(RemoteClassifierException.Failure failure) {
        return switch (failure) {
            case CONNECT -> BackendFailure.CONNECT;
            case TIMEOUT -> BackendFailure.TIMEOUT;
            case SERVER_ERROR, MALFORMED_ANSWER, WRONG_MODEL -> BackendFailure.SERVER_ERROR;
        };
    }

    @Override
    public void close() {
        endpoints.values().forEach(endpoint -> endpoint.remote().close());
    }
}
