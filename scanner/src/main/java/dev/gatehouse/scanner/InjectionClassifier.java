package dev.gatehouse.scanner;

import java.util.Set;

/** A learned detector: maps normalised text to a score in [0, 1] where 0.5 is its decision boundary. */
public interface InjectionClassifier {

    /** Scores in this process only: the text goes nowhere else. */
    double score(String normalizedText);

    /**
     * Scores where the call's text may be processed: a classifier that sends the text to a server
     * sends it only to one in {@code allowedRegions}; one that runs in this process ignores them.
     */
    default double score(String normalizedText, Set<String> allowedRegions) {
        return score(normalizedText);
    }

    /** The id findings of this classifier carry. */
    String id();
}
