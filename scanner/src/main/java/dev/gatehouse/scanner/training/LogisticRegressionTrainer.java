package dev.gatehouse.scanner.training;

/**
 * L2-regularised logistic regression fitted by Newton's method: deterministic (no random
 * initialisation, no shuffling), so the same data always gives the same coefficients. Classes are
 * weighted to count equally. The bias is not penalised.
 */
public final class LogisticRegressionTrainer {

    private static final int MAX_ITERATIONS = 25;
    private static final double CONVERGED = 1e-7;

    private final double lambda;

    public LogisticRegressionTrainer(double lambda) {
        this.lambda = lambda;
    }

    /** Returns the weights followed by the bias (length {@code dimensions + 1}). */
    public double[] fit(float[][] x, int[] y) {
        int n = x.length;
        int d = x[0].length;
        double[] sampleWeight = balancedWeights(y);
        double[] w = new double[d + 1];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[d + 1];
            double[][] hessian = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(w, x[i]));
                double g = sampleWeight[i] * (p - y[i]);
                double h = sampleWeight[i] * Math.max(p * (1 - p), 1e-10);
                for (int a = 0; a <= d; a++) {
                    double xa = a < d ? x[i][a] : 1;
                    gradient[a] += g * xa;
                    double hxa = h * xa;
                    double[] row = hessian[a];
                    for (int b = 0; b <= a; b++) {
                        row[b] += hxa * (b < d ? x[i][b] : 1);
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                gradient[a] += lambda * w[a];
                hessian[a][a] += lambda;
            }
            hessian[d][d] += 1e-9;
            double[] step = solveSymmetric(hessian, gradient);
            double norm = 0;
            for (int a = 0; a <= d; a++) {
                w[a] -= step[a];
                norm += step[a] * step[a];
            }
            if (Math.sqrt(norm) < CONVERGED) {
                break;
            }
        }
        return w;
    }

    public static double probability(double[] weightsAndBias, float[] x) {
        return sigmoid(dot(weightsAndBias, x));
    }

    private static double dot(double[] w, float[] x) {
        double z = w[x.length];
        for (int a = 0; a < x.length; a++) {
            z += w[a] * x[a];
        }
        return z;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double[] balancedWeights(int[] y) {
        long positives = 0;
        for (int label : y) {
            positives += label;
        }
        long negatives = y.length - positives;
        double[] weights = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            weights[i] = y[i] == 1 ? y.length / (2.0 * positives) : y.length / (2.0 * negatives);
        }
        return weights;
    }

    /** Cholesky solve of a symmetric positive definite system given by its lower triangle. */
    static double[] solveSymmetric(double[][] lower, double[] rhs) {
        int n = rhs.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = lower[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j][j];
            }
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = rhs[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * z[k];
            }
            z[i] = sum / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = z[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }
}
