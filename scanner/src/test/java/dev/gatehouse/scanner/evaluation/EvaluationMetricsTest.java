package dev.gatehouse.scanner.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.scanner.ScanResult;
import dev.gatehouse.scanner.ScannerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationMetricsTest {

    @TempDir
    Path dir;

    private static ConfusionMatrix matrix(int tp, int fp, int tn, int fn) {
        ConfusionMatrix m = new ConfusionMatrix();
        for (int i = 0; i < tp; i++) m.add(true, true);
        for (int i = 0; i < fp; i++) m.add(true, false);
        for (int i = 0; i < tn; i++) m.add(false, false);
        for (int i = 0; i < fn; i++) m.add(false, true);
        return m;
    }

    @Test
    void computesPrecisionRecallF1AndFalsePositiveRate() {
        ConfusionMatrix m = matrix(8, 1, 9, 2);
        assertThat(m.precision()).isCloseTo(8 / 9.0, offset(1e-12));
        assertThat(m.recall()).isCloseTo(0.8, offset(1e-12));
        assertThat(m.f1()).isCloseTo(2 * (8 / 9.0) * 0.8 / (8 / 9.0 + 0.8), offset(1e-12));
        assertThat(m.falsePositiveRate()).isCloseTo(0.1, offset(1e-12));
        assertThat(m.positives()).isEqualTo(10);
        assertThat(m.negatives()).isEqualTo(10);
    }

    @Test
    void reportsUndefinedRatesAsNotANumber() {
        ConfusionMatrix onlyBenign = matrix(0, 0, 5, 0);
        assertThat(onlyBenign.recall()).isNaN();
        assertThat(onlyBenign.precision()).isNaN();
        assertThat(onlyBenign.f1()).isNaN();
        assertThat(onlyBenign.falsePositiveRate()).isZero();
        assertThat(EvaluationReport.percent(Double.NaN)).isEqualTo("–");
    }

    @Test
    void takesNearestRankPercentiles() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L; // 100 ms down to 1 ms, unsorted on purpose
        }
        LatencyDistribution l = LatencyDistribution.of(nanos);
        assertThat(l.p50Millis()).isEqualTo(50.0);
        assertThat(l.p90Millis()).isEqualTo(90.0);
        assertThat(l.p99Millis()).isEqualTo(99.0);
        assertThat(l.maxMillis()).isEqualTo(100.0);
        assertThat(LatencyDistribution.of(new long[] {3_000_000L}).p99Millis()).isEqualTo(3.0);
    }

    @Test
    void bucketsByLengthAtTheDocumentedBoundaries() {
        assertThat(Evaluator.lengthBucket(199)).isEqualTo("0-199");
        assertThat(Evaluator.lengthBucket(200)).isEqualTo("200-499");
        assertThat(Evaluator.lengthBucket(1999)).isEqualTo("500-1999");
        assertThat(Evaluator.lengthBucket(2000)).isEqualTo("2000+");
    }

    @Test
    void reportsEachRoleBySourceAndCategoryAtTheThresholdAndAtFixedFalsePositiveRates() throws IOException {
        Path file = dir.resolve("set.jsonl");
        Files.writeString(file, """
                {"text": "attack one", "label": 1, "category": "override", "source": "a", "role": "dev"}
                {"text": "attack two", "label": 1, "category": "override", "source": "a", "role": "dev"}
                {"text": "hello", "label": 0, "category": "chat", "source": "b", "role": "dev"}

                {"text": "attack %s", "label": 0, "source": "b"}
                {"text": "attack three", "label": 1, "source": "c", "role": "calibration"}
                {"text": "never evaluated", "label": 1, "source": "c", "role": "train"}
                """.formatted("x".repeat(300)));
        PromptScanner scoresAttacks = messages -> new ScanResult(
                messages.get(0).content().startsWith("attack one") || messages.get(0).content().startsWith("attack x") ? 0.9 : 0.1,
                List.of(), Set.of(), Set.of());
        List<LabelledExample> examples = EvaluateInjectionDetector.read(List.of(file.toString()));
        assertThat(examples).hasSize(5).noneMatch(e -> e.role().equals("train"));
        EvaluationReport report = EvaluationReport.of(Evaluator.score(scoresAttacks, examples), 0.5);
        assertThat(report.sections()).extracting(EvaluationReport.Section::role).containsExactly("dev", "calibration");
        EvaluationReport.Section dev = report.sections().get(0);
        assertThat(dev.slices()).extracting(EvaluationReport.Slice::name).containsExactly("**all**", "source `a`", "source `b`",
                "category `chat`", "category `override`", "category `uncategorised`");
        ConfusionMatrix all = dev.slices().get(0).atThreshold();
        assertThat(List.of(all.truePositives(), all.falseNegatives(), all.falsePositives(), all.trueNegatives()))
                .containsExactly(1L, 1L, 1L, 1L);
        // benign scores 0.9 and 0.1: at 1 % or 2 % FPR neither may pass, so only scores above 0.9 count
        assertThat(dev.slices().get(0).recallAtFalsePositiveRates()).containsExactly(0.0, 0.0, 0.0);
        assertThat(dev.slices().get(0).rocAuc()).isEqualTo(0.5);
        assertThat(report.latency().samples()).isEqualTo(5);
        assertThat(report.toMarkdown()).contains("| **all** | 2 | 2 | 50.0% | 50.0% | 0.0% | 0.0% | 0.0% | 0.500† |");
    }

    @Test
    void thresholdAtAFalsePositiveRateLetsAtMostThatShareOfBenignScoresThrough() {
        double[] benign = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
        assertThat(OperatingPoints.thresholdAt(benign, 0.1)).isGreaterThan(0.9).isLessThanOrEqualTo(0.95);
        assertThat(OperatingPoints.thresholdAt(benign, 0.05)).isGreaterThan(0.95);
        assertThat(OperatingPoints.thresholdAt(new double[0], 0.02)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void rocAucCountsTiesAsHalf() {
        assertThat(OperatingPoints.rocAuc(new double[] {0.9, 0.8}, new double[] {0.1, 0.2})).isEqualTo(1.0);
        assertThat(OperatingPoints.rocAuc(new double[] {0.5}, new double[] {0.5})).isEqualTo(0.5);
        assertThat(OperatingPoints.rocAuc(new double[] {0.3, 0.9}, new double[] {0.5})).isEqualTo(0.5);
        assertThat(OperatingPoints.rocAuc(new double[0], new double[] {0.5})).isNaN();
    }

    @Test
    void replacesOnlyTheEvaluationSectionOfTheReadme() {
        String readme = "intro\n" + EvaluateInjectionDetector.BEGIN + "\nold\n" + EvaluateInjectionDetector.END + "\noutro\n";
        assertThat(EvaluateInjectionDetector.replaced(readme, "new table\n"))
                .isEqualTo("intro\n" + EvaluateInjectionDetector.BEGIN + "\nnew table\n" + EvaluateInjectionDetector.END + "\noutro\n");
        assertThatThrownBy(() -> EvaluateInjectionDetector.replaced("no markers", "x"))
                .isInstanceOf(ScannerException.class);
    }

    @Test
    void rejectsALineWithoutABinaryLabel() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"secret prompt\", \"label\": 2}\n");
        assertThatThrownBy(() -> LabelledExamples.read(file))
                .isInstanceOfSatisfying(ScannerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ScannerException.Code.DATASET_INVALID);
                    assertThat(e.getMessage()).contains("line 2").doesNotContain("secret prompt");
                });
    }
}
