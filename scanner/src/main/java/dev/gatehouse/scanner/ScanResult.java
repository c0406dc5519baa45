package dev.gatehouse.scanner;

import java.util.List;
import java.util.Set;

/**
 * What the scanner found in a request: the injection score in [0, 1] (0.5 is the detector's own
 * decision boundary), the reasons, and the personal data and special categories present.
 */
public record ScanResult(double injectionScore, List<Finding> findings, Set<PiiType> pii,
                         Set<SpecialCategory> specialCategories) {
    public ScanResult {
        findings = List.copyOf(findings);
        pii = Set.copyOf(pii);
        specialCategories = Set.copyOf(specialCategories);
    }
}
