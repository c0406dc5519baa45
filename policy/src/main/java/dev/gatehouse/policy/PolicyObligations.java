package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Set;

/**
 * What the gateway must do when it lets a call through.
 *
 * @param routeRegions  the only regions whose backends may receive the call
 * @param redact        personal data types to redact from the prompt before it leaves
 * @param logContent    whether prompt and completion may be logged
 * @param retentionDays how long logged content is kept (0 when nothing is logged)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PolicyObligations(Set<String> routeRegions, Set<String> redact, boolean logContent, int retentionDays) {

    public PolicyObligations {
        routeRegions = Facts.sorted(routeRegions);
        redact = Facts.sorted(redact);
    }
}
