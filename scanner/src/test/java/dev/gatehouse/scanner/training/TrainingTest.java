package dev.gatehouse.scanner.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.scanner.evaluation.LabelledExample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTest {

    private static final float[][] X = {{2, 0}, {1.5f, 0.5f}, {1, 1}, {-1, 0.2f}, {-2, 0}, {-1.5f, -0.5f}};
    private static final int[] Y = {1, 1, 1, 0, 0, 0};

    @Test
    void logisticRegressionSeparatesSeparableData() {
        double[] w = new LogisticRegressionTrainer(0.1).fit(X, Y);
        for (int i = 0; i < X.length; i++) {
            assertThat(LogisticRegressionTrainer.probability(w, X[i]) >= 0.5).isEqualTo(Y[i] == 1);
        }
    }

    @Test
    void trainingIsDeterministic() {
        assertThat(new LogisticRegressionTrainer(0.1).fit(X, Y)).containsExactly(new LogisticRegressionTrainer(0.1).fit(X, Y));
    }

    @Test
    void strongerRegularisationShrinksTheWeights() {
        double[] loose = new LogisticRegressionTrainer(0.01).fit(X, Y);
        double[] tight = new LogisticRegressionTrainer(10).fit(X, Y);
        assertThat(Math.abs(tight[0])).isLessThan(Math.abs(loose[0]));
    }

    @Test
    void choosesTheLowestThresholdWithinTheFalsePositiveBudget() {
        double[] p = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.97};
        int[] y = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
        // ten benign scores; 10% budget allows one above the threshold (0.95), so the threshold sits just above 0.9
        assertThat(TrainInjectionClassifier.thresholdFor(p, y, 0.1)).isCloseTo(0.9 + 1e-6, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void splitIsStableDeduplicatedAndDisjoint() {
        List<LabelledExample> examples = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            examples.add(new LabelledExample("prompt number " + i, i % 2, "c", "s"));
        }
        examples.add(new LabelledExample("  PROMPT   number 7 ", 1, "c", "s"));
        DatasetSplit split = DatasetSplit.of(examples, 25);
        assertThat(split.train().size() + split.dev().size()).isEqualTo(400);
        assertThat(split.dev().size()).isBetween(70, 130);
        List<LabelledExample> reversed = new ArrayList<>(examples);
        java.util.Collections.reverse(reversed);
        DatasetSplit again = DatasetSplit.of(reversed, 25);
        assertThat(again.dev().stream().map(e -> DatasetSplit.fold(e.text())).sorted().toList())
                .isEqualTo(split.dev().stream().map(e -> DatasetSplit.fold(e.text())).sorted().toList());
        assertThat(split.train()).doesNotContainAnyElementsOf(split.dev());
    }
}
