package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecialCategoryDetectorTest {

    private final SpecialCategoryDetector detector = new SpecialCategoryDetector();

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            HEALTH             | My daughter was diagnosed with diabetes last year.
            HEALTH             | Ich bin seit Montag krankgeschrieben.
            HEALTH             | Elle est enceinte de six mois.
            RELIGION           | He converted and now attends the mosque on Fridays.
            RELIGION           | Sie ist katholisch erzogen worden.
            RELIGION           | Mon voisin est musulman.
            ETHNICITY          | The survey asks about ethnicity.
            POLITICAL_OPINION  | I voted for the Green candidate.
            POLITICAL_OPINION  | Il a une opinion politique très marquée.
            SEXUAL_ORIENTATION | My colleague is gay and recently married.
            SEXUAL_ORIENTATION | Er ist schwul.
            BIOMETRIC          | The door opens with a fingerprint reader.
            BIOMETRIC          | On utilise la reconnaissance faciale à l'entrée.
            GENETIC            | The DNA test showed a BRCA1 mutation.
            TRADE_UNION        | She is a shop steward for the trade union.
            TRADE_UNION        | Er ist Mitglied der Gewerkschaft.
            TRADE_UNION        | Il est délégué syndical.
            """)
    void recognisesIndicatorInEnglishGermanAndFrench(SpecialCategory expected, String text) {
        assertThat(detector.find(text)).contains(expected);
    }

    @Test
    void findsNothingInNeutralText() {
        assertThat(detector.find("Please book a table for four at eight o'clock near the station.")).isEmpty();
    }

    @Test
    void findsEveryCategoryOfALongTextWhereverItsWordsStand() {
        String filler = "The quarterly report lists the main risks and the planned migration. ".repeat(30);
        String text = "Therapy notes: " + filler + "She is a member of the green party. " + filler + "and attends the synagogue";

        assertThat(detector.find(text)).containsExactlyInAnyOrder(
                SpecialCategory.HEALTH, SpecialCategory.POLITICAL_OPINION, SpecialCategory.RELIGION);
    }

    @Test
    void matchesWholeWordsOnly() {
        assertThat(detector.find("The raceway and the dnaxx project")).isEmpty();
    }
}
