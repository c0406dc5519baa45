package dev.gatehouse.scanner;

/**
 * One reason a message looks like an injection: a rule id (or {@code classifier.minilm}),
 * its category, the index of the message in the request, its role, and the evidence weight in [0, 1].
 */
public record Finding(String ruleId, AttackCategory category, int messageIndex, MessageRole role, double weight) {
}
