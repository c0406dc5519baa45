package dev.gatehouse.tenant;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tenant's attributes besides its name and status: its plan, where its data may be processed
 * ({@link ProcessingRegions}), for which purposes, and whether request content is logged and for
 * how long. The policy decision point reads these.
 */
public record TenantSettings(Plan plan, Set<String> residencyRegions, Set<String> allowedPurposes,
                             boolean contentLogging, int retentionDays) {

    /** Privacy by default: EU processing only, no content logged. */
    public static final TenantSettings DEFAULTS = new TenantSettings(Plan.DEFAULT, Set.of("eu-west", "eu-central"), Set.of(), false, 0);

    private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final int MAX_PURPOSES = 32;
    static final int MAX_RETENTION_DAYS = 3650;

    public TenantSettings {
        if (plan == null) {
            throw new InvalidAttributeException("plan", "'plan' is required.");
        }
        if (residencyRegions == null || residencyRegions.isEmpty()) {
            throw new InvalidAttributeException("residency_regions", "'residency_regions' must name at least one region.");
        }
        for (String region : residencyRegions) {
            if (!ProcessingRegions.isSupported(region)) {
                throw new InvalidAttributeException("residency_regions",
                        "'residency_regions' may only contain " + String.join(", ", ProcessingRegions.SUPPORTED.stream().sorted().toList()) + ".");
            }
        }
        if (allowedPurposes == null || allowedPurposes.size() > MAX_PURPOSES
                || !allowedPurposes.stream().allMatch(purpose -> purpose != null && PURPOSE.matcher(purpose).matches())) {
            throw new InvalidAttributeException("allowed_purposes", "'allowed_purposes' must be at most " + MAX_PURPOSES
                    + " codes of lowercase letters, digits and underscores, starting with a letter (e.g. customer_support).");
        }
        if (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) {
            throw new InvalidAttributeException("retention_days", "'retention_days' must be between 0 and " + MAX_RETENTION_DAYS + ".");
        }
        if (contentLogging && retentionDays == 0) {
            throw new InvalidAttributeException("retention_days", "Logging content needs 'retention_days' of at least 1.");
        }
        residencyRegions = Set.copyOf(residencyRegions);
        allowedPurposes = Set.copyOf(allowedPurposes);
    }
}
