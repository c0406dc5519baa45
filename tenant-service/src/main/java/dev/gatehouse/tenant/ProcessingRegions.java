package dev.gatehouse.tenant;

import java.util.Set;

/**
 * The region codes a tenant may name as allowed processing locations. A closed list, so that a
 * typo ({@code eu-wset}) is refused instead of silently matching no backend.
 */
public final class ProcessingRegions {

    public static final Set<String> SUPPORTED = Set.of(
            "eu-west", "eu-central", "eu-north", "eu-south", "uk-south", "ch-north",
            "us-east", "us-west", "us-central", "ca-central",
            "ap-south", "ap-southeast", "ap-northeast", "sa-east", "me-central", "af-south");

    private ProcessingRegions() {
    }

    public static boolean isSupported(String code) {
        return code != null && SUPPORTED.contains(code);
    }
}
