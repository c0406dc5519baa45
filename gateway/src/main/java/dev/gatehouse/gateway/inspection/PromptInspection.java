package dev.gatehouse.gateway.inspection;

import dev.gatehouse.scanner.ScanResult;
import dev.gatehouse.scanner.Verdict;

import java.util.Set;

/**
 * The prompt step's findings in the vocabulary of the policy: personal-data types (e.g.
 * {@code email}) and GDPR Art. 9 categories (e.g. {@code health}), detected or declared, beside the
 * scanner's own result and the tenant's verdict on it.
 */
public record PromptInspection(ScanResult scan, Verdict verdict, Set<String> piiTypes, Set<String> specialCategories) {

    public PromptInspection {
        piiTypes = Set.copyOf(piiTypes);
        specialCategories = Set.copyOf(specialCategories);
    }
}
