package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCounterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TokenCounter counter = new TokenCounter();

    @Test
    void countsTheGpt4oFamilyWithO200kAndOtherModelsWithCl100k() {
        assertThat(counter.encodingFor("gpt-4o-mini")).isEqualTo("o200k_base");
        assertThat(counter.encodingFor("o3-mini")).isEqualTo("o200k_base");
        assertThat(counter.encodingFor("gpt-4-turbo")).isEqualTo("cl100k_base");
        assertThat(counter.encodingFor("llama-3.1-8b-instruct")).isEqualTo("cl100k_base");
    }

    @Test
    void countsBytePairEncodedTokensNotCharacters() {
        // cl100k_base encodes "hello world" as [15339, 1917] and "antidisestablishmentarianism" in six pieces
        assertThat(counter.countText("chat-simulator", "hello world")).isEqualTo(2);
        assertThat(counter.countText("chat-simulator", "antidisestablishmentarianism")).isEqualTo(6);
        assertThat(counter.countText("chat-simulator", "")).isZero();
    }

    @Test
    void aLongTextCountedAgainGetsTheSameCountAndEachEncodingItsOwn() {
        String document = "hello world ".repeat(40) + "\u4e2d\u6587\u6587\u6863\u7684\u5185\u5bb9\u548c\u6458\u8981";
        assertThat(document.length()).isGreaterThanOrEqualTo(TokenCounter.REMEMBERED_CHARS);
        int cl100k = new TokenCounter().countText("chat-simulator", document);
        int o200k = new TokenCounter().countText("gpt-4o", document);

        assertThat(counter.countText("chat-simulator", document)).isEqualTo(cl100k);
        assertThat(counter.countText("chat-simulator", document)).isEqualTo(cl100k);
        assertThat(counter.countText("gpt-4o", document)).isEqualTo(o200k);
        assertThat(counter.countText("gpt-4o", document)).isEqualTo(o200k);
        assertThat(counter.countText("gpt-4-turbo", document))
                .as("counted with cl100k, not answered from o200k's remembered count")
                .isEqualTo(cl100k).isNotEqualTo(o200k);
    }

    @Test
    void countsTextWithUnpairedSurrogatesAsTheReplacementCharacter() {
        assertThat(counter.countText("chat-simulator", "hello \ud800 world")).isEqualTo(counter.countText("chat-simulator", "hello \ufffd world"));
        assertThat(counter.countText("chat-simulator", "\udc00")).isEqualTo(counter.countText("chat-simulator", "\ufffd"));
    }

    @Test
    void countsAChatPromptAsOpenAiBillsIt() throws Exception {
        String body = """
                {"model":"m","messages":[{"role":"system","content":"hello world"},
                 {"role":"user","name":"ann","content":[{"type":"text","text":"hello world"}]}]}""";

        // 3 priming the reply; per message 3 + role + content; the name 1 + its tokens
        assertThat(counter.countPrompt("m", JSON.readTree(body))).isEqualTo(3 + (3 + 1 + 2) + (3 + 1 + 2) + (1 + 1));
    }

    @Test
    void countsEmbeddingsInputOfStringsAndOfTokenArrays() throws Exception {
        assertThat(counter.countPrompt("m", JSON.readTree("{\"input\":\"hello world\"}"))).isEqualTo(2);
        assertThat(counter.countPrompt("m", JSON.readTree("{\"input\":[\"hello world\",\"hello\"]}"))).isEqualTo(3);
        assertThat(counter.countPrompt("m", JSON.readTree("{\"input\":[[1,2,3],[4]]}"))).isEqualTo(4);
    }

    @Test
    void countsACompletionPromptOfStrings() throws Exception {
        assertThat(counter.countPrompt("m", JSON.readTree("{\"prompt\":\"hello world\"}"))).isEqualTo(2);
        assertThat(counter.countPrompt("m", JSON.readTree("{\"prompt\":[\"hello world\",\"hello\"]}"))).isEqualTo(3);
    }

    @Test
    void countsARerankQueryAndItsDocumentsWhetherStringsOrObjects() throws Exception {
        assertThat(counter.countPrompt("m", JSON.readTree("{\"query\":\"hello\",\"documents\":[\"hello world\",{\"text\":\"hello world\"}]}")))
                .isEqualTo(1 + 2 + 2);
    }
}
