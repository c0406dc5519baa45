package dev.gatehouse.gateway.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Duration LONGEST = Duration.ofMinutes(5);

    @Test
    void readsSecondsAndHttpDatesWithinTheLongestWait() {
        assertThat(RetryAfter.of("7", LONGEST)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.of("86400", LONGEST)).isEqualTo(LONGEST);
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusMinutes(1));
        assertThat(RetryAfter.of(inAMinute, LONGEST)).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
    }

    @Test
    void aMissingOrUnreadableHeaderMeansAShortPause() {
        assertThat(RetryAfter.of(null, LONGEST)).isEqualTo(RetryAfter.WITHOUT_HEADER);
        assertThat(RetryAfter.of("soon", LONGEST)).isEqualTo(RetryAfter.WITHOUT_HEADER);
        assertThat(RetryAfter.of("-3", LONGEST)).isEqualTo(RetryAfter.WITHOUT_HEADER);
    }
}
