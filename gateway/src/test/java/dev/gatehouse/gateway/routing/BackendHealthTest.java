package dev.gatehouse.gateway.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackendHealthTest {

    private static final Duration REST = Duration.ofSeconds(5);
    private static final Duration TOOK = Duration.ofMillis(10);

    private final MutableClock clock = new MutableClock();

    private BackendHealth health(RoutingProperties settings) {
        return new BackendHealthBoard(clock, REST, settings).of("bk-1");
    }

    private static RoutingProperties withoutProbes() {
        return new RoutingProperties(null, null, 3, Duration.ofSeconds(30), 10, 50, Duration.ofSeconds(10), null, Duration.ZERO, null, null,
                null, null);
    }

    @Test
    void aConnectionThatCannotBeMadeEjectsTheBackendAtOnceForTheRestPeriod() {
        BackendHealth health = health(withoutProbes());

        health.failed(BackendFailure.CONNECT, TOOK);

        assertThat(health.admitsCalls()).isFalse();
        assertThat(health.report(64).state()).isEqualTo("ejected");
        clock.advance(REST);
        assertThat(health.admitsCalls()).isTrue();
    }

    @Test
    void serverErrorsEjectOnlyWhenTheyComeInARow() {
        BackendHealth health = health(withoutProbes());

        health.failed(BackendFailure.SERVER_ERROR, TOOK);
        health.failed(BackendFailure.SERVER_ERROR, TOOK);
        health.succeeded(TOOK);
        health.failed(BackendFailure.SERVER_ERROR, TOOK);
        health.failed(BackendFailure.TIMEOUT, TOOK);
        assertThat(health.admitsCalls()).isTrue();

        health.failed(BackendFailure.BROKEN_STREAM, TOOK);
        assertThat(health.admitsCalls()).isFalse();
    }

    @Test
    void eachEjectionInARowLastsTwiceAsLongUpToTheMaximum() {
        BackendHealth health = health(withoutProbes());

        health.failed(BackendFailure.CONNECT, TOOK);
        clock.advance(REST);
        assertThat(health.admitsCalls()).isTrue();

        // back from an ejection, one failure ejects it again, for twice as long
        health.failed(BackendFailure.SERVER_ERROR, TOOK);
        clock.advance(REST);
        assertThat(health.admitsCalls()).isFalse();
        clock.advance(REST);
        assertThat(health.admitsCalls()).isTrue();

        for (int ejection = 3; ejection <= 10; ejection++) {
            health.failed(BackendFailure.CONNECT, TOOK);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(health.admitsCalls()).as("never out for longer than max-ejection").isTrue();
    }

    @Test
    void aSuccessStartsTheGrowthOver() {
        BackendHealth health = health(withoutProbes());
        health.failed(BackendFailure.CONNECT, TOOK);
        clock.advance(REST);
        health.failed(BackendFailure.CONNECT, TOOK);
        clock.advance(REST.multipliedBy(2));
        health.succeeded(TOOK);

        health.failed(BackendFailure.CONNECT, TOOK);
        clock.advance(REST);

        assertThat(health.admitsCalls()).isTrue();
    }

    @Test
    void withActiveProbesAnEjectedBackendReturnsOnlyAfterASuccessfulProbeOnceItsEjectionEnded() {
        BackendHealth health = health(RoutingProperties.DEFAULTS);
        health.failed(BackendFailure.CONNECT, TOOK);

        health.probed(true);
        assertThat(health.admitsCalls()).as("a probe during the ejection does not cut it short").isFalse();
        clock.advance(REST);
        assertThat(health.admitsCalls()).isFalse();
        assertThat(health.report(64).state()).isEqualTo("awaiting_probe");

        health.probed(true);
        assertThat(health.admitsCalls()).isTrue();
        assertThat(health.report(64).lastProbeUp()).isTrue();
    }

    @Test
    void aFailedProbeEjectsAHealthyBackend() {
        BackendHealth health = health(RoutingProperties.DEFAULTS);

        health.probed(false);

        assertThat(health.admitsCalls()).isFalse();
        assertThat(health.report(64).lastProbeUp()).isFalse();
    }

    @Test
    void theCircuitBreakerOpensOnAHighErrorRateEvenWithoutFailuresInARow() {
        BackendHealth health = health(withoutProbes());
        for (int call = 0; call < 10; call++) {
            assertThat(health.tryAcquire(64)).isTrue();
            health.release();
            if (call % 2 == 0) {
                health.failed(BackendFailure.SERVER_ERROR, TOOK);
            } else {
                health.succeeded(TOOK);
            }
        }

        assertThat(health.report(64).state()).isEqualTo("circuit_open");
        assertThat(health.report(64).recentErrorRate()).isEqualTo(0.5);
        assertThat(health.tryAcquire(64)).isFalse();
        assertThat(health.inFlight()).as("a refused call holds no slot").isZero();

        clock.advance(Duration.ofSeconds(11));
        assertThat(health.tryAcquire(64)).as("after the open duration, a trial call").isTrue();
        assertThat(health.report(64).state()).isEqualTo("circuit_half_open");
    }

    @Test
    void neverLendsMoreSlotsThanTheMaximumConcurrency() {
        BackendHealth health = health(withoutProbes());

        assertThat(health.tryAcquire(2)).isTrue();
        assertThat(health.tryAcquire(2)).isTrue();
        assertThat(health.tryAcquire(2)).isFalse();
        health.release();
        assertThat(health.tryAcquire(2)).isTrue();
        assertThat(health.inFlight()).isEqualTo(2);
    }

    @Test
    void aBackendThatAnswered429IsSparedForItsRetryAfter() {
        BackendHealth health = health(withoutProbes());

        health.throttled(Duration.ofSeconds(3));

        assertThat(health.admitsCalls()).isFalse();
        assertThat(health.report(64).state()).isEqualTo("throttled");
        clock.advance(Duration.ofSeconds(3));
        assertThat(health.admitsCalls()).isTrue();
        assertThat(health.report(64).recentCalls()).as("a 429 is not a failure of the backend").isZero();
    }

    @Test
    void reportsAMovingAverageOfTheTimeToTheFirstByte() {
        BackendHealth health = health(withoutProbes());
        assertThat(health.report(64).meanTimeToFirstByteMillis()).isNull();

        health.answeredAfter(Duration.ofMillis(100));
        health.answeredAfter(Duration.ofMillis(200));

        assertThat(health.report(64).meanTimeToFirstByteMillis()).isEqualTo(120.0);
    }
}
