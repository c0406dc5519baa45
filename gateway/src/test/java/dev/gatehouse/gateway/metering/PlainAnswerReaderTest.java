package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.testing.ChunkedBytes;
import dev.gatehouse.testing.Property;
import dev.gatehouse.testing.RandomJson;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Metering reads a plain answer's usage and text as its pieces pass, wherever the network cuts them, and copies it only when asked. */
class PlainAnswerReaderTest {

    private static final String CHAT = """
            {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"},
            {"index":1,"message":{"role":"assistant","content":" world","tool_calls":[]}}],
            "usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0}}}""";

    @Test
    void readsTheUsageAndTheAnswerTextOfAChatCompletionWhereverItsPiecesAreCut() {
        byte[] answer = CHAT.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < answer.length; cut++) {
            PlainAnswerReader reader = read(false, new ChunkedBytes(answer, new int[] {cut}));

            assertThat(reader.reportedUsage()).as("cut at %d", cut).contains(new TokenUsage(7, 2, true));
            assertThat(reader.answerText()).as("cut at %d", cut).isEqualTo("Hello world");
        }
    }

    @Test
    void readsAResponsesAnswersOutputTextAndFunctionArgumentsAndItsUsage() {
        PlainAnswerReader reader = read(false, whole("""
                {"object":"response","output":[{"type":"message","content":[{"type":"output_text","text":"Hi "},
                {"type":"output_text","text":"there"}]},{"type":"function_call","arguments":"{\\"city\\":\\"Oslo\\"}","name":"weather"}],
                "usage":{"input_tokens":12,"output_tokens":5,"total_tokens":17}}"""));

        assertThat(reader.reportedUsage()).contains(new TokenUsage(12, 5, true));
        assertThat(reader.answerText()).isEqualTo("Hi there{\"city\":\"Oslo\"}");
    }

    @Test
    void takesATextCompletionsTextAndAChoicesDeltaOverItsMessageWhicheverComesFirst() {
        PlainAnswerReader reader = read(false, whole("""
                {"choices":[{"message":{"content":"not this"},"text":"Once upon"},{"message":{"content":"nor this"},"delta":{"content":" a time"}}]}"""));

        assertThat(reader.answerText()).isEqualTo("Once upon a time");
        assertThat(reader.reportedUsage()).isEmpty();
    }

    @Test
    void anAnswerThatIsNotAJsonObjectHasNeitherUsageNorText() {
        for (String answer : List.of("[{\"usage\":{\"prompt_tokens\":1}}]", "{\"choices\":[{\"text\":\"cut off", "not json", "",
                "{\"usage\":{\"prompt_tokens\":3},\"choices\":[{\"text\":\"a\"}] trailing")) {
            PlainAnswerReader reader = read(false, whole(answer));

            assertThat(reader.reportedUsage()).as(answer).isEmpty();
            assertThat(reader.answerText()).as(answer).isEmpty();
        }
    }

    @Test
    void whatFollowsTheAnswersObjectIsNotRead() {
        PlainAnswerReader reader = read(false, whole("{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}} {\"usage\":"));

        assertThat(reader.reportedUsage()).contains(new TokenUsage(3, 1, true));
    }

    @Test
    void keepsACopyOfTheAnswerOnlyWhenAskedFor() {
        assertThat(read(true, whole(CHAT)).copy()).isEqualTo(CHAT.getBytes(StandardCharsets.UTF_8));
        assertThat(read(false, whole(CHAT)).copy()).isEmpty();
    }

    @Test
    void readsAnyObjectTheSameInPiecesAsWholeAndPassesEveryByteOn() {
        Property.forAll(PlainAnswerReaderTest::answer).check(chunked -> {
            PlainAnswerReader inPieces = read(false, chunked);
            PlainAnswerReader whole = read(false, new ChunkedBytes(chunked.bytes(), new int[0]));

            assertThat(inPieces.reportedUsage()).isEqualTo(whole.reportedUsage());
            assertThat(inPieces.answerText()).isEqualTo(whole.answerText());
        });
    }

    /** A random object, now and then with choices and a usage among its members, cut anywhere. */
    private static ChunkedBytes answer(Random random) {
        ObjectNode answer = RandomJson.object(random, 3);
        if (random.nextBoolean()) {
            answer.putArray("choices").addObject().putObject("message").set("content", RandomJson.value(random, 1));
        }
        if (random.nextBoolean()) {
            ObjectNode usage = answer.putObject("usage");
            usage.set("prompt_tokens", random.nextBoolean() ? JsonNodeFactory.instance.numberNode(random.nextInt(1000)) : RandomJson.value(random, 1));
            usage.put("completion_tokens", random.nextInt(1000));
        }
        return ChunkedBytes.cut(RandomJson.write(answer, random).getBytes(StandardCharsets.UTF_8), random);
    }

    private static ChunkedBytes whole(String answer) {
        return new ChunkedBytes(answer.getBytes(StandardCharsets.UTF_8), new int[0]);
    }

    private static PlainAnswerReader read(boolean keepCopy, ChunkedBytes answer) {
        PlainAnswerReader reader = new PlainAnswerReader(keepCopy);
        List<byte[]> passed = reader.apply(Flux.fromIterable(answer.pieces()).map(DefaultDataBufferFactory.sharedInstance::wrap))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    return bytes;
                })
                .collectList().block();
        assertThat(passed).as("the pieces pass on untouched").containsExactlyElementsOf(answer.pieces());
        return reader;
    }
}
