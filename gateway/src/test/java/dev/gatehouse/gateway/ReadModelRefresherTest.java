package dev.gatehouse.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** An outage of the database behind the read models: visible in the refresher's state, logged once when it starts and once when it ends. */
class ReadModelRefresherTest {

    /** Never reached in a test: the ticks are run by hand. */
    private static final Duration NO_AUTOMATIC_TICK = Duration.ofHours(1);

    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicInteger laterRefreshRuns = new AtomicInteger();
    private final SteppingClock clock = new SteppingClock();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private ReadModelRefresher refresher;

    @BeforeEach
    void refresherOverTwoReadModels() {
        log.start();
        ((Logger) LoggerFactory.getLogger(ReadModelRefresher.class)).addAppender(log);
        Runnable readsTheDatabase = () -> {
            if (databaseDown.get()) {
                throw new IllegalStateException("Connection refused");
            }
        };
        refresher = new ReadModelRefresher(NO_AUTOMATIC_TICK, List.of(readsTheDatabase, laterRefreshRuns::incrementAndGet), clock);
    }

    @AfterEach
    void stop() {
        refresher.close();
        ((Logger) LoggerFactory.getLogger(ReadModelRefresher.class)).detachAppender(log);
    }

    @Test
    void healthyRefreshesKeepTheCopiesFresh() {
        clock.advance(Duration.ofSeconds(2));
        refresher.refreshAll();

        assertThat(refresher.failing()).isFalse();
        assertThat(refresher.staleness()).isZero();
        assertThat(refresher.failedRefreshes()).isZero();
        assertThat(log.list).isEmpty();
    }

    @Test
    void anOutageIsLoggedOnceAsAWarningAndItsEndOnceAsInformation() {
        refresher.refreshAll();
        databaseDown.set(true);
        for (int tick = 0; tick < 5; tick++) {
            clock.advance(Duration.ofSeconds(2));
            refresher.refreshAll();
        }

        assertThat(refresher.failing()).isTrue();
        assertThat(refresher.staleness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(refresher.failedRefreshes()).isEqualTo(5);
        assertThat(laterRefreshRuns).as("refreshes after the failing one still run").hasValue(6);

        databaseDown.set(false);
        clock.advance(Duration.ofSeconds(2));
        refresher.refreshAll();
        refresher.refreshAll();

        assertThat(refresher.failing()).isFalse();
        assertThat(refresher.staleness()).isZero();
        assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        assertThat(log.list.get(0).getFormattedMessage()).contains("failing").contains("Connection refused");
        assertThat(log.list.get(1).getFormattedMessage()).contains("recovered after 12 s");
    }

    private static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2026-03-01T12:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
