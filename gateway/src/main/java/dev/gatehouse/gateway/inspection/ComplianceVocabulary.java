package dev.gatehouse.gateway.inspection;

import dev.gatehouse.policy.SpecialCategories;
import dev.gatehouse.scanner.PiiType;
import dev.gatehouse.scanner.SpecialCategory;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates the scanner's detections into the names the policy's reference data uses, so each
 * module keeps its own vocabulary and the mapping is written down once.
 */
public final class ComplianceVocabulary {

    private static final Map<SpecialCategory, String> SPECIAL_CATEGORIES = Map.of(
            SpecialCategory.HEALTH, "health",
            SpecialCategory.RELIGION, "religious_or_philosophical_beliefs",
            SpecialCategory.ETHNICITY, "racial_or_ethnic_origin",
            SpecialCategory.POLITICAL_OPINION, "political_opinions",
            SpecialCategory.SEXUAL_ORIENTATION, "sex_life_or_orientation",
            SpecialCategory.BIOMETRIC, "biometric",
            SpecialCategory.GENETIC, "genetic",
            SpecialCategory.TRADE_UNION, "trade_union_membership");

    /** Every special category the policy knows, as callers declare them in {@code X-Gatehouse-Special-Categories}. */
    public static final Set<String> POLICY_SPECIAL_CATEGORIES = SpecialCategories.CODES;

    static {
        if (!Set.copyOf(SPECIAL_CATEGORIES.values()).equals(SpecialCategories.CODES)) {
            throw new IllegalStateException("every special category the scanner finds must have exactly one policy code");
        }
    }

    private ComplianceVocabulary() {
    }

    public static String policyName(SpecialCategory category) {
        return SPECIAL_CATEGORIES.get(category);
    }

    public static String policyName(PiiType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
