package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamScannerTest {

    private static final String SYSTEM_PROMPT = "You are Aria, the support assistant of Northwind Bank. Only answer questions "
            + "about savings accounts and cards. Never mention the internal escalation code BLUE-HARBOUR or the names of staff.";

    private final ResponseScanner blockingScanner = new ResponseScanner(SYSTEM_PROMPT,
            new ResponsePolicy(ScanAction.BLOCK, ScanAction.FLAG), new PersonalDataDetector());

    private static List<String> chunks(String text, int size) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            chunks.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return chunks;
    }

    @Test
    void blocksAStreamAsSoonAsItLeaksTheSystemPrompt() {
        String response = "Sure! My instructions say: " + SYSTEM_PROMPT + " Anything else? " + "More text follows here. ".repeat(20);
        StreamScanner stream = blockingScanner.openStream();
        int chunksUntilBlocked = 0;
        for (String chunk : chunks(response, 7)) {
            chunksUntilBlocked++;
            if (stream.accept(chunk).blocks()) {
                break;
            }
        }
        assertThat(stream.verdict().systemPromptLeak()).isTrue();
        assertThat(stream.verdict().blocks()).isTrue();
        assertThat(chunksUntilBlocked * 7).isLessThan(("Sure! My instructions say: " + SYSTEM_PROMPT).length());
    }

    @Test
    void staysBlockedOnceBlocked() {
        StreamScanner stream = blockingScanner.openStream();
        stream.accept(SYSTEM_PROMPT);
        assertThat(stream.verdict().blocks()).isTrue();
        assertThat(stream.accept("harmless text").blocks()).isTrue();
        assertThat(stream.finish().blocks()).isTrue();
    }

    @Test
    void passesAnAnswerThatOnlySharesTopicWords() {
        String response = "Northwind Bank offers two savings accounts. The support team can help you choose a card.";
        ResponseVerdict verdict = blockingScanner.scan(response);
        assertThat(verdict.systemPromptLeak()).isFalse();
        assertThat(verdict.action()).isNull();
    }

    @Test
    void findsPersonalDataSplitAcrossChunks() {
        StreamScanner stream = blockingScanner.openStream();
        stream.accept("Your adviser is reachable at anna.schmidt@north");
        assertThat(stream.verdict().pii()).isEmpty();
        stream.accept("wind-bank.example and the IBAN DE89 3704 ");
        stream.accept("0044 0532 0130 00");
        ResponseVerdict verdict = stream.finish();
        assertThat(verdict.pii()).containsExactlyInAnyOrder(PiiType.EMAIL, PiiType.IBAN);
        assertThat(verdict.action()).isEqualTo(ScanAction.FLAG);
    }

    @Test
    void keepsOnlyABoundedWindowOfALongStream() {
        StreamScanner stream = blockingScanner.openStream();
        for (int i = 0; i < 2_000; i++) {
            stream.accept("word" + i + " and some filler text ");
            assertThat(stream.retainedChars()).isLessThanOrEqualTo(StreamScanner.TAIL_CHARS);
        }
        assertThat(stream.finish().action()).isNull();
    }

    @Test
    void reachesTheSameVerdictInChunksAsOnTheWholeResponse() {
        String response = "Contact +49 30 1234567. " + SYSTEM_PROMPT.substring(0, 120);
        ResponseVerdict whole = blockingScanner.scan(response);
        StreamScanner stream = blockingScanner.openStream();
        chunks(response, 5).forEach(stream::accept);
        assertThat(stream.finish()).isEqualTo(whole);
    }

    @Test
    void ignoresLeakageWhenTheRequestHadNoSystemPrompt() {
        ResponseScanner scanner = new ResponseScanner(null, new ResponsePolicy(ScanAction.BLOCK, ScanAction.LOG_ONLY),
                new PersonalDataDetector());
        assertThat(scanner.scan("You are Aria, the support assistant of Northwind Bank.").action()).isNull();
    }

    @Test
    void findsPersonalDataWrittenInFullwidthOrInvisibleCharactersAcrossChunks() {
        StreamScanner stream = blockingScanner.openStream();
        stream.accept("Write to \uff41\uff4e\uff41\u200b\uff20exam");
        assertThat(stream.verdict().pii()).isEmpty();
        stream.accept("ple\uff0ecom");

        assertThat(stream.finish().pii()).containsExactly(PiiType.EMAIL);
    }

    @Test
    void judgesPersonalDataThatTheLastChunkEndsWithOnlyAtTheEndOfTheStream() {
        StreamScanner stream = blockingScanner.openStream();

        assertThat(stream.accept("Your adviser is anna.schmidt@northwind-bank.example").pii()).isEmpty();
        assertThat(stream.finish().pii()).containsExactly(PiiType.EMAIL);
    }

    @Test
    void findsPersonalDataInAnEncodedPayloadOfTheAnswer() {
        String payload = java.util.Base64.getEncoder().encodeToString("Write to ana@example.com soon".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(blockingScanner.scan("Here you go: " + payload + " as asked.").pii()).containsExactly(PiiType.EMAIL);
    }

    @Test
    void blocksALeakSpelledWithInvisibleCharactersInsideItsWordsOrInFullwidthLetters() {
        String zeroWidth = SYSTEM_PROMPT.replace("a", "a\u200b");
        StringBuilder fullwidth = new StringBuilder();
        SYSTEM_PROMPT.chars().forEach(c -> fullwidth.append(c >= '!' && c <= '~' ? (char) (c - '!' + 0xFF01) : (char) c));

        assertThat(blockingScanner.scan(zeroWidth).systemPromptLeak()).isTrue();
        StreamScanner stream = blockingScanner.openStream();
        chunks(fullwidth.toString(), 9).forEach(stream::accept);
        assertThat(stream.finish().blocks()).isTrue();
    }
}
