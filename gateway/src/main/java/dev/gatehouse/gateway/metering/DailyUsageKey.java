package dev.gatehouse.gateway.metering;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/** The grain of the daily totals: one tenant's key calling one model on one UTC day. */
record DailyUsageKey(UUID tenantId, LocalDate day, String keyId, String modelId) {

    static DailyUsageKey of(UsageRecord record) {
        return new DailyUsageKey(record.tenantId(), record.occurredAt().atZone(ZoneOffset.UTC).toLocalDate(), record.keyId(), record.modelId());
    }
}
