package dev.gatehouse.scanner.evaluation;

import java.util.Arrays;

/** Threshold-free measures of a score: the threshold for a false-positive rate, and ROC AUC. */
public final class OperatingPoints {

    private OperatingPoints() {
    }

    /**
     * The lowest threshold at which at most {@code falsePositiveRate} of the benign scores reach it
     * (a score at or above the threshold is called an injection).
     */
    public static double thresholdAt(double[] benignScores, double falsePositiveRate) {
        if (benignScores.length == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] descending = Arrays.stream(benignScores).map(s -> -s).sorted().map(s -> -s).toArray();
        int allowed = (int) Math.floor(falsePositiveRate * descending.length + 1e-9);
        return allowed >= descending.length ? Double.NEGATIVE_INFINITY : Math.nextUp(descending[allowed]);
    }

    /** Probability that a random injection outscores a random benign text (ties count half); NaN if either is empty. */
    public static double rocAuc(double[] injectionScores, double[] benignScores) {
        if (injectionScores.length == 0 || benignScores.length == 0) {
            return Double.NaN;
        }
        double[] benign = benignScores.clone();
        Arrays.sort(benign);
        double wins = 0;
        for (double s : injectionScores) {
            int below = lowerBound(benign, s);
            int notAbove = lowerBound(benign, Math.nextUp(s));
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) injectionScores.length * benign.length);
    }

    private static int lowerBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
