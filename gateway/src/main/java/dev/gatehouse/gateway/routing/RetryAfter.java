package dev.gatehouse.gateway.routing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A backend's {@code Retry-After} (RFC 9110 section 10.2.3: seconds, or an HTTP date) as a duration. */
public final class RetryAfter {

    /** What a 429 without a usable Retry-After spares the backend for. */
    static final Duration WITHOUT_HEADER = Duration.ofSeconds(1);

    private RetryAfter() {
    }

    /** The wait the header asks for, at most {@code longest}; {@link #WITHOUT_HEADER} when absent or unreadable. */
    public static Duration of(String header, Duration longest) {
        Duration asked = parse(header == null ? "" : header.strip());
        return asked.compareTo(longest) > 0 ? longest : asked;
    }

    private static Duration parse(String header) {
        if (header.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(header));
        }
        try {
            Duration until = Duration.between(Instant.now(), ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException unreadable) {
            return WITHOUT_HEADER;
        }
    }
}
