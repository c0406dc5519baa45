package dev.gatehouse.scanner.evaluation;

/** A labelled example with the scanner's injection score and the time the scan took. */
public record ScoredExample(LabelledExample example, double score, long nanos) {
}
