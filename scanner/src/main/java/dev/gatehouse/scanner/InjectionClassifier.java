package dev.gatehouse.scanner;

/** A learned detector: maps normalised text to a score in [0, 1] where 0.5 is its decision boundary. */
public interface InjectionClassifier {

    double score(String normalizedText);

    /** The id findings of this classifier carry. */
    String id();
}
