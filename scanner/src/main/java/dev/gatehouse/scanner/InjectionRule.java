package dev.gatehouse.scanner;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signature: a pattern matched against normalised, lower-cased text, with the weight of
 * evidence a match carries (0.9 means "alone, almost certainly an attack").
 */
public record InjectionRule(String id, AttackCategory category, double weight, Pattern pattern) {
    public InjectionRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(pattern, "pattern");
        if (weight <= 0 || weight > 1) {
            throw new IllegalArgumentException("rule " + id + " weight must be in (0, 1]");
        }
    }

    static InjectionRule of(String id, AttackCategory category, double weight, String regex) {
        return new InjectionRule(id, category, weight, Pattern.compile(regex));
    }

    public boolean matches(String lowerCaseText) {
        return pattern.matcher(lowerCaseText).find();
    }
}
