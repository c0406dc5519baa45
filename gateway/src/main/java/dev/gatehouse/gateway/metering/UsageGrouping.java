package dev.gatehouse.gateway.metering;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What usage totals are summed by: UTC day, model, API key, or (a publisher's) the calling tenant. */
public enum UsageGrouping {
    DAY("day::text"),
    MODEL("model_id"),
    KEY("key_id"),
    TENANT("tenant_id::text");

    private final String column;

    UsageGrouping(String column) {
        this.column = column;
    }

    /** The expression of {@code metering.usage_daily} this grouping sums by; never caller text. */
    String column() {
        return column;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<UsageGrouping> fromCode(String code) {
        return Arrays.stream(values()).filter(grouping -> grouping.code().equals(code)).findFirst();
    }
}
