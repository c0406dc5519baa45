package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.BackendCapacity;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BackendSelectorTest {

    private static final Set<String> BOTH = Set.of("eu-west", "us-east");

    private final MutableClock clock = new MutableClock();
    private final BackendHealthBoard board = new BackendHealthBoard(clock, Duration.ofSeconds(5), RoutingProperties.DEFAULTS);
    private final BackendSelector selector = new BackendSelector(board, new CapacityQueue(10), clock);

    @Test
    void backendsOfEqualLoadTakeCallsInTurn() {
        CatalogModel model = model(backend("eu", "eu-west", 64, 100), backend("us", "us-east", 64, 100));

        List<String> chosen = IntStream.range(0, 4).mapToObj(i -> leaseAndEnd(model, BOTH)).toList();

        assertThat(chosen).containsExactly("eu", "us", "eu", "us");
    }

    @Test
    void theBackendWithFewerOutstandingCallsTakesTheNext() {
        CatalogModel model = model(backend("eu", "eu-west", 64, 100), backend("us", "us-east", 64, 100));
        List<BackendLease> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(lease(model, Set.of("eu-west")));
        }

        List<String> next = IntStream.range(0, 3).mapToObj(i -> lease(model, BOTH).backend().id()).toList();

        assertThat(next).as("eu has three outstanding, us takes calls until it has as many").containsOnly("us");
        held.forEach(BackendLease::succeeded);
    }

    @Test
    void loadIsWeighedByWeightAndMaximumConcurrency() {
        CatalogModel model = model(backend("big", "eu-west", 64, 300), backend("small", "eu-west", 64, 100));

        Map<String, Long> calls = holdLeases(model, 40);

        assertThat(calls.get("big")).isEqualTo(30);
        assertThat(calls.get("small")).isEqualTo(10);

        CatalogModel capacities = model(backend("eight-gpus", "eu-west", 32, 100), backend("one-gpu", "eu-west", 4, 100));
        Map<String, Long> byCapacity = holdLeases(capacities, 36);
        assertThat(byCapacity.get("eight-gpus")).isEqualTo(32);
        assertThat(byCapacity.get("one-gpu")).isEqualTo(4);
    }

    @Test
    void neverChoosesABackendOutsideThePermittedRegions() {
        CatalogModel model = model(backend("eu", "eu-west", 64, 100), backend("us", "us-east", 64, 100));

        assertThat(IntStream.range(0, 4).mapToObj(i -> leaseAndEnd(model, Set.of("eu-west")))).containsOnly("eu");
        assertThat(selector.choose(model, Set.of("ap-southeast"), Set.of())).isInstanceOf(BackendSelector.NoneAvailable.class);
    }

    @Test
    void aFullBackendIsPassedOverAndWhenAllAreFullTheCallMustWait() {
        CatalogModel model = model(backend("eu", "eu-west", 1, 100), backend("eu-2", "eu-west", 1, 100));
        BackendLease first = lease(model, BOTH);
        BackendLease second = lease(model, BOTH);
        assertThat(Set.of(first.backend().id(), second.backend().id())).containsExactlyInAnyOrder("eu", "eu-2");

        assertThat(selector.choose(model, BOTH, Set.of())).isInstanceOf(BackendSelector.AllBusy.class);
        first.succeeded();
        assertThat(lease(model, BOTH).backend().id()).isEqualTo(first.backend().id());
    }

    @Test
    void anEjectedOrAlreadyTriedBackendIsNotChosen() {
        CatalogModel model = model(backend("eu", "eu-west", 64, 100), backend("us", "us-east", 64, 100));
        lease(model, Set.of("eu-west")).failed(BackendFailure.CONNECT);

        assertThat(IntStream.range(0, 3).mapToObj(i -> leaseAndEnd(model, BOTH))).containsOnly("us");
        assertThat(selector.choose(model, BOTH, Set.of("us"))).isInstanceOf(BackendSelector.NoneAvailable.class);
    }

    @Test
    void aBackendReportingALongQueueGetsFewerCalls() {
        CatalogModel model = model(backend("queued", "eu-west", 64, 100), backend("idle", "eu-west", 64, 100));
        board.of("queued").scraped(new InferenceServerLoad(20, 8, 0.4, clock.instant()));
        board.of("idle").scraped(new InferenceServerLoad(0, 0, 0.1, clock.instant()));

        Map<String, Long> calls = holdLeases(model, 40);

        assertThat(calls.get("idle")).isGreaterThan(calls.get("queued") * 3);
    }

    @Test
    void moreFreeKvCacheWinsAmongOtherwiseEqualBackends() {
        CatalogModel model = model(backend("full-cache", "eu-west", 64, 100), backend("free-cache", "eu-west", 64, 100));
        board.of("full-cache").scraped(new InferenceServerLoad(0, 0, 0.95, clock.instant()));
        board.of("free-cache").scraped(new InferenceServerLoad(0, 0, 0.05, clock.instant()));

        assertThat(IntStream.range(0, 4).mapToObj(i -> leaseAndEnd(model, BOTH))).containsOnly("free-cache");
    }

    @Test
    void metricsScrapedLongAgoAreIgnored() {
        CatalogModel model = model(backend("queued", "eu-west", 64, 100), backend("idle", "eu-west", 64, 100));
        board.of("queued").scraped(new InferenceServerLoad(50, 0, 0.9, clock.instant()));
        clock.advance(RoutingProperties.DEFAULTS.probeInterval().multipliedBy(3));

        assertThat(IntStream.range(0, 4).mapToObj(i -> leaseAndEnd(model, BOTH))).contains("queued", "idle");
    }

    private Map<String, Long> holdLeases(CatalogModel model, int count) {
        return IntStream.range(0, count).mapToObj(i -> lease(model, BOTH).backend().id())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private String leaseAndEnd(CatalogModel model, Set<String> regions) {
        BackendLease lease = lease(model, regions);
        lease.succeeded();
        return lease.backend().id();
    }

    private BackendLease lease(CatalogModel model, Set<String> regions) {
        BackendSelector.Choice choice = selector.choose(model, regions, Set.of());
        assertThat(choice).isInstanceOf(BackendSelector.Leased.class);
        return ((BackendSelector.Leased) choice).lease();
    }

    private static ModelBackend backend(String id, String region, int maxConcurrent, int weight) {
        return new ModelBackend(id, "m", URI.create("http://" + id + "/v1"), "m", region,
                new BackendCapacity(null, 0, maxConcurrent, weight, Duration.ofSeconds(2), Duration.ofSeconds(120),
                        Duration.ofSeconds(30)), BackendTls.DEFAULT, null, null);
    }

    private static CatalogModel model(ModelBackend... backends) {
        return CatalogModel.platformModel("m", ModelKind.CHAT, ModelDescription.of("M", "acme", ""),
                ModelPrice.perMillionTokens(Instant.EPOCH, "1", "1"), false, Set.of(), List.of(backends));
    }
}
