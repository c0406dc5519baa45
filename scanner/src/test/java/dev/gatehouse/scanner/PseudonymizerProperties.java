package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.HostileText;
import dev.gatehouse.testing.Property;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What pseudonymisation guarantees for personal data however it is disguised, and for the text around it. */
class PseudonymizerProperties {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";
    private static final String[] INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"};

    private final PersonalDataDetector detector = new PersonalDataDetector();

    /** Prose, an address disguised one way or several, more prose. */
    private record Disguised(String before, String address, String written, String after) {
        String text() {
            return before + written + after;
        }
    }

    @Test
    void aDisguisedAddressNeverSurvivesAndTheProseAroundItIsKeptAsWritten() {
        Property.forAll(PseudonymizerProperties::disguisedAddress).tries(400).shownAs(Disguised::text).check(disguised -> {
            Pseudonymizer pseudonymizer = new Pseudonymizer(detector);

            String sent = pseudonymizer.pseudonymize(disguised.text());

            assertThat(sent).isEqualTo(disguised.before() + "[EMAIL_1]" + disguised.after());
            assertThat(pseudonymizer.personalDataIn(sent)).isEmpty();
            assertThat(pseudonymizer.restore("[EMAIL_1]")).isEqualTo(disguised.address());
        });
    }

    @Test
    void leadsEveryCharacterOfTheFoldedTextBackIntoTheRawTextInOrder() {
        TextNormalizer normalizer = new TextNormalizer();
        Property.forAll(random -> HostileText.next(random, 60)).tries(400).check(raw -> {
            NormalizedText normalized = normalizer.normalize(raw);
            int previousStart = 0;
            for (int i = 0; i < normalized.text().length(); i++) {
                int start = normalized.rawOffsets().start(i, i + 1);
                int end = normalized.rawOffsets().end(i, i + 1);
                assertThat(start).isBetween(previousStart, end - 1);
                assertThat(end).isLessThanOrEqualTo(raw.length());
                previousStart = start;
            }
        });
    }

    private static Disguised disguisedAddress(Random random) {
        String address = word(random) + "." + word(random) + "@" + word(random) + ".example." + (random.nextBoolean() ? "com" : "org");
        String written = address;
        if (random.nextInt(3) == 0) {
            written = "Write to " + written + " soon";
            written = Base64.getEncoder().encodeToString(written.getBytes(StandardCharsets.UTF_8));
        } else {
            if (random.nextBoolean()) {
                written = fullwidth(written, random);
            }
            if (random.nextBoolean() || written.equals(address)) {
                written = withInvisibleCharacters(written, random);
            }
        }
        return new Disguised(words(random) + " ", address, written, " " + words(random) + ".");
    }

    /** Some of the characters in fullwidth form, chosen at random. */
    private static String fullwidth(String text, Random random) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(random.nextBoolean() && c > ' ' && c <= '~' ? (char) (c - '!' + 0xFF01) : c);
        }
        return out.toString();
    }

    /** Invisible characters between some of the characters, never at either end. */
    private static String withInvisibleCharacters(String text, Random random) {
        StringBuilder out = new StringBuilder().append(text.charAt(0));
        for (int i = 1; i < text.length(); i++) {
            if (random.nextInt(3) == 0) {
                out.append(INVISIBLE[random.nextInt(INVISIBLE.length)]);
            }
            out.append(text.charAt(i));
        }
        if (out.length() == text.length()) {
            out.insert(1, INVISIBLE[0]);
        }
        return out.toString();
    }

    private static String words(Random random) {
        StringBuilder text = new StringBuilder(word(random));
        for (int i = random.nextInt(6); i > 0; i--) {
            text.append(' ').append(word(random));
        }
        return text.toString();
    }

    private static String word(Random random) {
        StringBuilder word = new StringBuilder();
        for (int i = 2 + random.nextInt(7); i > 0; i--) {
            word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return word.toString();
    }
}
