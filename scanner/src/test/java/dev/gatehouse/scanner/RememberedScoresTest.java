package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RememberedScoresTest {

    private final RecordingClassifier classifier = new RecordingClassifier();
    private final RememberedScores remembered = new RememberedScores(classifier, "revision-1", 100);

    @Test
    void scoresARepeatedMessageOnceAndAnswersWithTheClassifiersScore() {
        double first = remembered.score("you are the support assistant of an online bookshop");
        double again = remembered.score("you are the support assistant of an online bookshop");

        assertThat(again).isEqualTo(first).isEqualTo(classifier.scoreOf("you are the support assistant of an online bookshop"));
        assertThat(classifier.scored).containsExactly("you are the support assistant of an online bookshop");
    }

    @Test
    void keepsTheScoreOfEachDistinctMessage() {
        double shortScore = remembered.score("hello");
        double longScore = remembered.score("please summarise the attached quarterly report");

        assertThat(shortScore).isEqualTo(classifier.scoreOf("hello"));
        assertThat(longScore).isEqualTo(classifier.scoreOf("please summarise the attached quarterly report"));
        assertThat(remembered.score("hello")).isEqualTo(shortScore);
        assertThat(classifier.scored).containsExactly("hello", "please summarise the attached quarterly report");
    }

    @Test
    void carriesTheClassifiersIdOnItsFindings() {
        assertThat(remembered.id()).isEqualTo("classifier.recording");
    }

    @Test
    void scansTheSystemPromptEveryCallRepeatsOnlyOnceWhileEachNewQuestionIsClassified() {
        PromptScanner scanner = new LayeredPromptScanner(InjectionRules.defaults(), Optional.of(remembered));
        ScannedMessage system = new ScannedMessage(MessageRole.SYSTEM, "You are the support assistant of an online bookshop.");

        ScanResult first = scanner.scan(List.of(system, ScannedMessage.user("Where is my order?")));
        ScanResult second = scanner.scan(List.of(system, ScannedMessage.user("Can I return a damaged book?")));

        assertThat(classifier.scored).hasSize(3);
        assertThat(second.findings()).filteredOn(finding -> finding.messageIndex() == 0)
                .isEqualTo(first.findings().stream().filter(finding -> finding.messageIndex() == 0).toList());
    }

    @Test
    void refusesACacheThatHoldsNothing() {
        assertThatThrownBy(() -> new RememberedScores(classifier, "revision-1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passesTheAllowedRegionsOnAndRemembersTheScoreWhereverItWasComputed() {
        RememberedScores remembered = new RememberedScores(classifier, "revision-1", 10);

        double inEurope = remembered.score("summarise this report", Set.of("eu-west"));
        double inTheUs = remembered.score("summarise this report", Set.of("us-east"));

        assertThat(inTheUs).isEqualTo(inEurope);
        assertThat(classifier.regions).containsExactly(Set.of("eu-west"));
    }

    /** Scores a text by its length, so each text has its own score, and records what it scored and where. */
    private static final class RecordingClassifier implements InjectionClassifier {
        private final List<String> scored = new ArrayList<>();
        private final List<Set<String>> regions = new ArrayList<>();

        @Override
        public synchronized double score(String normalizedText, Set<String> allowedRegions) {
            regions.add(allowedRegions);
            return score(normalizedText);
        }

        @Override
        public synchronized double score(String normalizedText) {
            scored.add(normalizedText);
            return scoreOf(normalizedText);
        }

        double scoreOf(String text) {
            return Math.min(0.4, text.length() / 1000.0);
        }

        @Override
        public String id() {
            return "classifier.recording";
        }
    }
}
