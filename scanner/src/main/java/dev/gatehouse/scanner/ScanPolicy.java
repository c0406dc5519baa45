package dev.gatehouse.scanner;

import java.util.Objects;

/** A tenant's setting: from which injection score on, and what to do. Validated at construction. */
public record ScanPolicy(double threshold, ScanAction action) {

    /** Blocks at the detector's own decision boundary. */
    public static final ScanPolicy DEFAULT = new ScanPolicy(0.5, ScanAction.BLOCK);

    public ScanPolicy {
        Objects.requireNonNull(action, "action");
        if (!(threshold > 0 && threshold <= 1)) {
            throw new ScannerException(ScannerException.Code.POLICY_INVALID, "threshold must be in (0, 1]");
        }
    }

    public Verdict judge(ScanResult result) {
        boolean triggered = result.injectionScore() >= threshold;
        return new Verdict(triggered, triggered ? action : null, result.injectionScore(), result.findings());
    }
}
