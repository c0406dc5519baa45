package dev.gatehouse.scanner;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signature: a pattern matched against normalised, lower-cased text, with the weight of
 * evidence a match carries (0.9 means "alone, almost certainly an attack"). {@code triggers} are
 * literals of which every match contains at least one; the pattern only runs when one occurs,
 * which keeps a scan of a long prompt cheap (a substring search is far faster than a regex that
 * has to be tried at every position).
 */
public record InjectionRule(String id, AttackCategory category, double weight, List<String> triggers, Pattern pattern) {
    public InjectionRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(pattern, "pattern");
        triggers = List.copyOf(triggers);
        if (weight <= 0 || weight > 1) {
            throw new IllegalArgumentException("rule " + id + " weight must be in (0, 1]");
        }
    }

    /** {@code triggers} is a {@code |}-separated list of lower-case literals. */
    static InjectionRule of(String id, AttackCategory category, double weight, String triggers, String regex) {
        return new InjectionRule(id, category, weight, List.of(triggers.split("\\|")), Pattern.compile(regex));
    }

    public boolean matches(String lowerCaseText) {
        return find(lowerCaseText).isPresent();
    }

    /** The first match in lower-cased text, if a trigger occurs and the pattern matches. */
    public Optional<MatchResult> find(String lowerCaseText) {
        for (String trigger : triggers) {
            if (lowerCaseText.contains(trigger)) {
                Matcher m = pattern.matcher(lowerCaseText);
                return m.find() ? Optional.of(m.toMatchResult()) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
