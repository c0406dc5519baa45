package dev.gatehouse.scanner;

import java.util.List;

/**
 * The outcome of applying a tenant's policy to a scan. {@code triggered} is true when the score
 * reached the threshold; {@code action} is then the tenant's action, otherwise {@code null}.
 */
public record Verdict(boolean triggered, ScanAction action, double score, List<Finding> reasons) {
    public Verdict {
        reasons = List.copyOf(reasons);
    }

    public boolean blocks() {
        return triggered && action == ScanAction.BLOCK;
    }

    public boolean flags() {
        return triggered && action == ScanAction.FLAG;
    }
}
