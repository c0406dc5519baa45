package dev.gatehouse.policy;

import java.util.Set;

/**
 * The codes of the special categories of personal data (GDPR Art. 9) as the policy's reference
 * data names them: what callers declare, what the scanner's findings are translated to, and what
 * a model can be certified for.
 */
public final class SpecialCategories {

    public static final Set<String> CODES = Set.of(
            "health", "religious_or_philosophical_beliefs", "racial_or_ethnic_origin", "political_opinions",
            "sex_life_or_orientation", "biometric", "genetic", "trade_union_membership");

    private SpecialCategories() {
    }
}
