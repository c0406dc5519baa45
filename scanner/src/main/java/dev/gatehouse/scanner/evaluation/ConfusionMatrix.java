package dev.gatehouse.scanner.evaluation;

/** Counts of a binary detector's outcomes and the rates derived from them (NaN when undefined). */
public final class ConfusionMatrix {

    private long truePositives;
    private long falsePositives;
    private long trueNegatives;
    private long falseNegatives;

    public void add(boolean predictedInjection, boolean isInjection) {
        if (predictedInjection && isInjection) {
            truePositives++;
        } else if (predictedInjection) {
            falsePositives++;
        } else if (isInjection) {
            falseNegatives++;
        } else {
            trueNegatives++;
        }
    }

    public long truePositives() {
        return truePositives;
    }

    public long falsePositives() {
        return falsePositives;
    }

    public long trueNegatives() {
        return trueNegatives;
    }

    public long falseNegatives() {
        return falseNegatives;
    }

    public long positives() {
        return truePositives + falseNegatives;
    }

    public long negatives() {
        return trueNegatives + falsePositives;
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, positives());
    }

    public double falsePositiveRate() {
        return ratio(falsePositives, negatives());
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? Double.NaN : 2 * p * r / (p + r);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }
}
