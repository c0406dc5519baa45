package dev.gatehouse.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.HostileText;
import dev.gatehouse.testing.Property;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the tokenizer guarantees for any text at all; agreement with the reference is WordPieceTokenizerTest's. */
class WordPieceTokenizerProperties {

    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final String ASCII_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static WordPieceTokenizer tokenizer;
    private static int vocabularySize;
    private static long unknownId;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = read();
        try (InputStream json = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(TOKENIZER)) {
            vocabularySize = new ObjectMapper().readTree(json).at("/model/vocab").size();
        }
        unknownId = tokenizer.tokenIds("[UNK]")[0];
    }

    @Test
    void tokenizesAnyTextIntoIdsOfTheVocabulary() {
        Property.forAll(random -> random.nextBoolean() ? HostileText.next(random, 60) : HostileText.anyChars(random, 400))
                .tries(400)
                .check(text -> assertThat(Arrays.stream(tokenizer.tokenIds(text))).allSatisfy(id -> assertThat(id).isBetween(0L, vocabularySize - 1L)));
    }

    @Test
    void isDeterministicAcrossCallsAndInstances() throws IOException {
        WordPieceTokenizer another = read();
        Property.forAll(random -> HostileText.next(random, 40)).check(text -> {
            long[] ids = tokenizer.tokenIds(text);
            assertThat(tokenizer.tokenIds(text)).containsExactly(ids);
            assertThat(another.tokenIds(text)).containsExactly(ids);
        });
    }

    @Test
    void tokenizesTextsJoinedByASpaceAsEachInTurn() {
        Property.forAll(random -> new String[] {HostileText.next(random, 20), HostileText.next(random, 20)})
                .shownAs(pair -> HostileText.escaped(pair[0] + " " + pair[1]))
                .check(pair -> assertThat(tokenizer.tokenIds(pair[0] + " " + pair[1])).containsExactly(
                        LongStream.concat(Arrays.stream(tokenizer.tokenIds(pair[0])), Arrays.stream(tokenizer.tokenIds(pair[1]))).toArray()));
    }

    @Test
    void ignoresTheCaseOfAsciiLetters() {
        Property.forAll(random -> asciiWords(random, 12)).check(text ->
                assertThat(tokenizer.tokenIds(text.toUpperCase(Locale.ROOT))).containsExactly(tokenizer.tokenIds(text.toLowerCase(Locale.ROOT))));
    }

    @Test
    void spellsAsciiWordsOfUpToAHundredCharactersWithoutTheUnknownToken() {
        Property.forAll(random -> asciiWords(random, 100)).check(text -> assertThat(tokenizer.tokenIds(text)).doesNotContain(unknownId));
    }

    @Test
    void givesALongerWordTheUnknownTokenAlone() {
        Property.forAll(random -> asciiWord(random, 101, 300)).check(word -> assertThat(tokenizer.tokenIds(word)).containsExactly(unknownId));
    }

    private static WordPieceTokenizer read() throws IOException {
        try (InputStream json = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(TOKENIZER)) {
            return WordPieceTokenizer.read(json);
        }
    }

    private static String asciiWords(Random random, int maxWordLength) {
        StringBuilder text = new StringBuilder(asciiWord(random, 1, maxWordLength));
        int words = random.nextInt(6);
        for (int i = 0; i < words; i++) {
            text.append(' ').append(asciiWord(random, 1, maxWordLength));
        }
        return text.toString();
    }

    private static String asciiWord(Random random, int minLength, int maxLength) {
        StringBuilder word = new StringBuilder();
        int length = minLength + random.nextInt(maxLength - minLength + 1);
        for (int i = 0; i < length; i++) {
            word.append(ASCII_WORD_CHARS.charAt(random.nextInt(ASCII_WORD_CHARS.length())));
        }
        return word.toString();
    }
}
