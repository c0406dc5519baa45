package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PseudonymizerTest {

    /** ana@example.com in fullwidth letters. */
    private static final String FULLWIDTH_ANA = "\uff41\uff4e\uff41\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d";

    private final PersonalDataDetector detector = new PersonalDataDetector();

    @Test
    void replacesPersonalDataWithTypedPlaceholders() {
        String redacted = new Pseudonymizer(detector).pseudonymize(
                "Contact ana@example.com or bo@example.com, IBAN DE89 3704 0044 0532 0130 00.");
        assertThat(redacted).isEqualTo("Contact [EMAIL_1] or [EMAIL_2], IBAN [IBAN_1].");
    }

    @Test
    void personalDataWrittenInFullwidthOrInvisibleCharactersIsReplacedWhereItWasWritten() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        String fullwidth = pseudonymizer.pseudonymize("Write to " + FULLWIDTH_ANA + " today.");
        String invisible = pseudonymizer.pseudonymize("Write to bo\u200b@exa\u200dmple.com today.");

        assertThat(fullwidth).isEqualTo("Write to [EMAIL_1] today.");
        assertThat(invisible).isEqualTo("Write to [EMAIL_2] today.");
        assertThat(pseudonymizer.personalDataIn(fullwidth)).isEmpty();
        assertThat(pseudonymizer.restore("Mail [EMAIL_2]")).isEqualTo("Mail bo@example.com");
    }

    @Test
    void keepsTheRestOfTheTextAsWrittenWhenOnlyTheNormalisedFormShowsPersonalData() {
        String text = "\uff28\uff45\uff4c\uff4c\uff4f \u00bd \ufb01ne \u2460, write to " + FULLWIDTH_ANA + " \u00e9t\u00e9.";

        assertThat(new Pseudonymizer(detector).pseudonymize(text))
                .isEqualTo("\uff28\uff45\uff4c\uff4c\uff4f \u00bd \ufb01ne \u2460, write to [EMAIL_1] \u00e9t\u00e9.");
    }

    @Test
    void replacesAnAddressThatMixesFullwidthLookAlikeAndInvisibleCharacters() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        String sent = pseudonymizer.pseudonymize("Reach me at \uff41n\u0430\u200d@exa\u200bmple\uff0ecom please.");

        assertThat(sent).isEqualTo("Reach me at [EMAIL_1] please.");
        assertThat(pseudonymizer.restore("[EMAIL_1]")).isEqualTo("ana@example.com");
    }

    @Test
    void replacesAnEncodedPayloadThatHoldsPersonalDataWhole() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        String sent = pseudonymizer.pseudonymize("Decode " + base64("Please write to ana@example.com about the invoice") + " and write to it.");

        assertThat(sent).isEqualTo("Decode [EMAIL_1] and write to it.");
        assertThat(pseudonymizer.personalDataIn(sent)).isEmpty();
        assertThat(pseudonymizer.restore("Done: [EMAIL_1]")).isEqualTo("Done: ana@example.com");
    }

    @Test
    void anEncodedPayloadWithSeveralValuesGivesWayToAllTheirPlaceholders() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        String sent = pseudonymizer.pseudonymize("Notes: " + base64("Copy ana@example.com and bo@example.com on the reply") + ".");

        assertThat(sent).isEqualTo("Notes: [EMAIL_1] [EMAIL_2].");
    }

    @Test
    void percentEncodingDecodesTheWholeTextSoTheWholeTextGivesWay() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        String sent = pseudonymizer.pseudonymize("Mail jane%2Edoe%40example%2Ecom");

        assertThat(sent).isEqualTo("[EMAIL_1]");
        assertThat(pseudonymizer.personalDataIn(sent)).isEmpty();
    }

    @Test
    void givesTheSameValueTheSamePlaceholderHoweverItIsWritten() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        assertThat(pseudonymizer.pseudonymize("ana@example.com, " + FULLWIDTH_ANA + " and " + base64("Write back to ana@example.com soon")))
                .isEqualTo("[EMAIL_1], [EMAIL_1] and [EMAIL_1]");
    }

    @Test
    void reportsPersonalDataThatIsStillThere() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

        assertThat(pseudonymizer.personalDataIn("Decode " + base64("Please write to ana@example.com about the invoice"))).containsExactly(PiiType.EMAIL);
        assertThat(pseudonymizer.personalDataIn("Nothing personal here.")).isEmpty();
    }

    @Test
    void readsEveryEncodedPayloadHoweverMany() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);
        String seventeenPayloads = String.join(" ", java.util.stream.IntStream.rangeClosed(1, 17)
                .mapToObj(n -> base64("Write to person" + n + "@example.com soon")).toList());

        String sent = pseudonymizer.pseudonymize(seventeenPayloads);

        assertThat(sent).startsWith("[EMAIL_1] [EMAIL_2] ").endsWith(" [EMAIL_17]");
        assertThat(pseudonymizer.personalDataIn(sent)).isEmpty();
    }

    @Test
    void reportsWhatTheShortenedTextBringsToLight() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);
        String text = "Tax id, mail anna.maria.schmidt-lehmann@example.com: 86095742719";

        String sent = pseudonymizer.pseudonymize(text);

        assertThat(sent).isEqualTo("Tax id, mail [EMAIL_1]: 86095742719");
        assertThat(pseudonymizer.personalDataIn(text)).containsExactly(PiiType.EMAIL);
        assertThat(pseudonymizer.personalDataIn(sent)).containsExactly(PiiType.DE_TAX_ID);
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void givesTheSameValueTheSamePlaceholder() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);
        assertThat(pseudonymizer.pseudonymize("ana@example.com wrote to ana@example.com"))
                .isEqualTo("[EMAIL_1] wrote to [EMAIL_1]");
        assertThat(pseudonymizer.pseudonymize("cc ana@example.com")).isEqualTo("cc [EMAIL_1]");
    }

    @Test
    void restoresAResponseThatMentionsThePlaceholders() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);
        String original = "Send the invoice to ana@example.com and call +49 30 1234567.";
        String sent = pseudonymizer.pseudonymize(original);
        String response = "I will email [EMAIL_1] and phone [PHONE_1] later.";
        assertThat(sent).doesNotContain("ana@example.com").doesNotContain("1234567");
        assertThat(pseudonymizer.restore(response)).isEqualTo("I will email ana@example.com and phone +49 30 1234567 later.");
        assertThat(pseudonymizer.restore(sent)).isEqualTo(original);
    }

    @Test
    void leavesPlaceholdersItDidNotIssueUntouched() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);
        pseudonymizer.pseudonymize("ana@example.com");
        assertThat(pseudonymizer.restore("[EMAIL_2] and [NAME_1]")).isEqualTo("[EMAIL_2] and [NAME_1]");
    }

    @Test
    void restoresPlaceholdersSplitAcrossStreamChunks() {
        Pseudonymizer pseudonymizer = new Pseudonymizer(detector);
        pseudonymizer.pseudonymize("ana@example.com");
        Pseudonymizer.StreamRestorer restorer = pseudonymizer.streamRestorer();
        String out = restorer.accept("Writing to [EMA") + restorer.accept("IL_1") + restorer.accept("] now [") + restorer.finish();
        assertThat(out).isEqualTo("Writing to ana@example.com now [");
    }
}
