package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.UpstreamCredential;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * Active health checks: every probe interval, each backend of the catalog is sent a GET of its
 * probe path (under its base URL, {@code /models} by default: every OpenAI-compatible server has
 * it) with its own client, TLS and upstream credential; any answer below 500 within the probe
 * timeout counts as up. The same round scrapes the server's Prometheus metrics (at the metrics
 * path of its origin, {@code /metrics}, where vLLM and TGI serve them) for its queue and KV cache.
 * A server without such metrics simply has none to show.
 */
public final class BackendProber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackendProber.class);
    /** Backends probed at once; probes are light, but a catalog of hundreds should not open hundreds of connections together. */
    private static final int CONCURRENT_PROBES = 16;
    private static final int MAX_METRICS_CHARACTERS = 4 * 1024 * 1024;

    private final ModelCatalog catalog;
    private final BackendHealthBoard board;
    private final BackendHttpClients clients;
    private final RoutingProperties settings;
    private final Clock clock;
    private final Disposable rounds;

    public BackendProber(ModelCatalog catalog, BackendHealthBoard board, BackendHttpClients clients, RoutingProperties settings, Clock clock) {
        this.catalog = catalog;
        this.board = board;
        this.clients = clients;
        this.settings = settings;
        this.clock = clock;
        this.rounds = settings.probing()
                ? Flux.interval(settings.probeInterval()).onBackpressureDrop().concatMap(tick -> probeAll(), 0).subscribe()
                : null;
    }

    /** One round over every backend of the catalog; completes when all have answered or timed out. */
    public Mono<Void> probeAll() {
        return Flux.fromIterable(catalog.models())
                .flatMapIterable(CatalogModel::backends)
                .flatMap(this::probe, CONCURRENT_PROBES)
                .then()
                .onErrorResume(unexpected -> {
                    LOG.warn("a round of backend probes failed: {}", unexpected.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> probe(ModelBackend backend) {
        BackendHealth health = board.of(backend.id());
        Mono<Void> liveness = get(backend, backend.endpoint(settings.probePath()))
                .map(status -> status < HttpResponseStatus.INTERNAL_SERVER_ERROR.code())
                .onErrorReturn(false)
                .doOnNext(up -> {
                    boolean wasAdmitting = health.admitsCalls();
                    health.probed(up);
                    if (wasAdmitting != health.admitsCalls()) {
                        LOG.info("backend {} of model {} is {} after a probe", backend.id(), backend.modelId(), up ? "back" : "ejected");
                    }
                })
                .then();
        if (settings.metricsPath().isEmpty()) {
            return liveness;
        }
        return liveness.then(scrape(backend, health));
    }

    private Mono<Void> scrape(ModelBackend backend, BackendHealth health) {
        URI base = backend.baseUrl();
        URI metrics = URI.create(base.getScheme() + "://" + base.getRawAuthority() + settings.metricsPath());
        return client(backend).get().uri(metrics)
                .response((response, body) -> response.status().code() == HttpResponseStatus.OK.code() ? body.asString() : Flux.<String>empty())
                .reduceWith(StringBuilder::new, BackendProber::appendWithinLimit)
                .timeout(settings.probeTimeout())
                .flatMap(text -> Mono.justOrEmpty(InferenceServerLoad.parse(text.toString(), clock.instant())))
                .doOnNext(health::scraped)
                .onErrorResume(unreachable -> Mono.empty())
                .then();
    }

    private static StringBuilder appendWithinLimit(StringBuilder text, String chunk) {
        if (text.length() + chunk.length() > MAX_METRICS_CHARACTERS) {
            throw new IllegalStateException("the metrics exposition is larger than any inference server's");
        }
        return text.append(chunk);
    }

    private Mono<Integer> get(ModelBackend backend, URI target) {
        return client(backend).get().uri(target)
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
                .timeout(settings.probeTimeout());
    }

    private HttpClient client(ModelBackend backend) {
        UpstreamCredential credential = backend.credential();
        HttpClient client = clients.forBackend(backend).responseTimeout(settings.probeTimeout());
        if (credential == null || !credential.readable()) {
            return client;
        }
        return client.headers(headers -> headers.set(credential.headerName(), credential.headerValue()));
    }

    @Override
    public void close() {
        if (rounds != null) {
            rounds.dispose();
        }
    }
}
