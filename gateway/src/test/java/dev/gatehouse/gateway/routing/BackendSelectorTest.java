package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelKind;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BackendSelectorTest {

    private static final ModelBackend EU = new ModelBackend("eu", "m", URI.create("http://eu/v1"), "m", "eu-west");
    private static final ModelBackend US = new ModelBackend("us", "m", URI.create("http://us/v1"), "m", "us-east");
    private static final CatalogModel MODEL = CatalogModel.platformModel("m", ModelKind.CHAT, ModelDescription.of("M", "acme", ""),
            ModelPrice.perMillionTokens(Instant.EPOCH, "1", "1"), false, Set.of(), List.of(EU, US));

    private static final Set<String> BOTH = Set.of("eu-west", "us-east");

    private final MutableClock clock = new MutableClock();
    private final BackendSelector selector = new BackendSelector(clock, Duration.ofSeconds(5));

    @Test
    void takesBackendsInTurn() {
        List<String> chosen = IntStream.range(0, 4).mapToObj(i -> selector.choose(MODEL, BOTH).orElseThrow().id()).toList();

        assertThat(chosen).containsExactly("eu", "us", "eu", "us");
    }

    @Test
    void skipsARestingBackendUntilItsRestIsOver() {
        selector.markUnavailable(EU);

        assertThat(IntStream.range(0, 3).mapToObj(i -> selector.choose(MODEL, BOTH).orElseThrow().id())).containsOnly("us");
        clock.advance(Duration.ofSeconds(6));
        assertThat(IntStream.range(0, 4).mapToObj(i -> selector.choose(MODEL, BOTH).orElseThrow().id())).contains("eu");
    }

    @Test
    void neverChoosesABackendOutsideThePermittedRegions() {
        assertThat(IntStream.range(0, 4).mapToObj(i -> selector.choose(MODEL, Set.of("eu-west")).orElseThrow().id())).containsOnly("eu");
        assertThat(selector.choose(MODEL, Set.of("ap-southeast"))).isEmpty();
    }

    @Test
    void hasNothingToOfferWhenEveryBackendRests() {
        selector.markUnavailable(EU);
        assertThat(selector.anyAvailable(MODEL, BOTH)).isTrue();
        selector.markUnavailable(US);

        assertThat(selector.choose(MODEL, BOTH)).isEmpty();
        assertThat(selector.anyAvailable(MODEL, BOTH)).isFalse();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-27T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
