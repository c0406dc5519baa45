package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Counts tokens with OpenAI's byte-pair encodings (JTokkit) when a backend reports no usage:
 * {@code o200k_base} for the GPT-4o family and its successors (ids starting gpt-4o, gpt-4.1,
 * gpt-5, o1, o3, o4), {@code cl100k_base} for every other model. For open-weight models served by
 * vLLM, TGI or Ollama, cl100k_base approximates their own tokenizers (which are not available
 * here), which is why a record counted here names the encoding it was counted with.
 * Chat prompts are counted as OpenAI bills them: each message costs its role, name and content
 * tokens plus three of framing, and every reply three more for its priming.
 * o200k's vocabulary (tens of MB on the heap) is loaded only when a model first needs it. Counts
 * of long texts (a system prompt or document repeated across calls) are remembered under a
 * SHA-256 digest, never the text: hashing costs a fraction of encoding.
 */
public final class TokenCounter {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int TOKENS_PRIMING_THE_REPLY = 3;
    private static final List<String> O200K_FAMILIES = List.of("gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "o4");

    /** Texts shorter than this are counted each time: encoding them costs about what hashing them would. */
    static final int REMEMBERED_CHARS = 256;
    private static final int REMEMBERED_TEXTS = 8_192;

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    private final Cache<ByteBuffer, Integer> rememberedCounts = Caffeine.newBuilder().maximumSize(REMEMBERED_TEXTS).build();

    /** Loads cl100k, which counts most models, now rather than on the first call's thread. */
    public TokenCounter() {
        registry.getEncoding(EncodingType.CL100K_BASE);
    }

    /** The name of the encoding that counts this model's tokens. */
    public String encodingFor(String modelId) {
        return encoding(modelId).getName();
    }

    public int countText(String modelId, String text) {
        return text == null ? 0 : count(encoding(modelId), text);
    }

    /**
     * The input tokens of a chat ({@code messages}), text completion ({@code prompt}), rerank
     * ({@code query} and {@code documents}), embeddings ({@code input}) or Responses API
     * ({@code instructions} and {@code input}) request body.
     */
    public int countPrompt(String modelId, JsonNode body) {
        Encoding encoding = encoding(modelId);
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            int tokens = TOKENS_PRIMING_THE_REPLY;
            for (JsonNode message : messages) {
                tokens += TOKENS_PER_MESSAGE + count(encoding, message.path("role").asText(""))
                        + countContent(encoding, message.get("content"));
                if (message.path("name").isTextual()) {
                    tokens += TOKENS_PER_NAME + count(encoding, message.get("name").asText());
                }
            }
            return tokens;
        }
        if (body.has("query")) {
            return count(encoding, body.path("query").asText("")) + countInput(encoding, documentTexts(body.get("documents")));
        }
        // a Responses API request passed through as it is has instructions and input items
        return count(encoding, body.path("instructions").asText("")) + countInput(encoding, body.has("prompt") ? body.get("prompt") : body.get("input"));
    }

    /** Rerank documents as strings: each a string, or an object's {@code text}. */
    private static JsonNode documentTexts(JsonNode documents) {
        ArrayNode texts = JsonNodeFactory.instance.arrayNode();
        if (documents != null && documents.isArray()) {
            documents.forEach(document -> texts.add(document.isTextual() ? document.asText() : document.path("text").asText("")));
        }
        return texts;
    }

    private int countContent(Encoding encoding, JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return count(encoding, content.asText());
        }
        int tokens = 0;
        for (JsonNode part : content) {
            tokens += count(encoding, part.path("text").asText(""));
        }
        return tokens;
    }

    /** Embeddings input or completion prompt: a string, strings, or already tokenized arrays (counted by their length). */
    private int countInput(Encoding encoding, JsonNode input) {
        if (input == null || input.isNull()) {
            return 0;
        }
        if (input.isTextual()) {
            return count(encoding, input.asText());
        }
        int tokens = 0;
        for (JsonNode item : input) {
            tokens += item.isArray() ? item.size() : item.isNumber() ? 1 : item.isObject() ? countInputItem(encoding, item) : count(encoding, item.asText(""));
        }
        return tokens;
    }

    /** A Responses API input item: a message, counted as a chat message is, or a function call's arguments or output. */
    private int countInputItem(Encoding encoding, JsonNode item) {
        return TOKENS_PER_MESSAGE + count(encoding, item.path("role").asText("")) + countContent(encoding, item.get("content"))
                + count(encoding, item.path("arguments").asText("")) + count(encoding, item.path("output").asText(""));
    }

    /** Counts any text: callers' input is counted before it is validated, and the encoder refuses unpaired surrogates. */
    private int count(Encoding encoding, String text) {
        if (text.isEmpty()) {
            return 0;
        }
        if (text.length() < REMEMBERED_CHARS) {
            return encoding.countTokensOrdinary(withoutUnpairedSurrogates(text));
        }
        return rememberedCounts.get(keyOf(encoding, text), key -> encoding.countTokensOrdinary(withoutUnpairedSurrogates(text)));
    }

    private static ByteBuffer keyOf(Encoding encoding, String text) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(encoding.getName().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            return ByteBuffer.wrap(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The text with each unpaired surrogate replaced by U+FFFD, the replacement character; itself when it has none. */
    private static String withoutUnpairedSurrogates(String text) {
        if (text.codePoints().noneMatch(TokenCounter::unpairedSurrogate)) {
            return text;
        }
        StringBuilder wellFormed = new StringBuilder(text.length());
        text.codePoints().forEach(codePoint -> wellFormed.appendCodePoint(unpairedSurrogate(codePoint) ? '\uFFFD' : codePoint));
        return wellFormed.toString();
    }

    /** {@code codePoints()} yields a surrogate on its own only when it has no partner. */
    private static boolean unpairedSurrogate(int codePoint) {
        return Character.getType(codePoint) == Character.SURROGATE;
    }

    private Encoding encoding(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        return registry.getEncoding(O200K_FAMILIES.stream().anyMatch(id::startsWith) ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
    }

    /** The output the caller allows at most ({@code max_completion_tokens}, else {@code max_tokens}, or the Responses API's {@code max_output_tokens}); empty when unbounded. */
    public static OptionalLong requestedOutputTokens(JsonNode body) {
        for (String field : List.of("max_completion_tokens", "max_tokens", "max_output_tokens")) {
            JsonNode value = body.get(field);
            if (value != null && value.canConvertToLong() && value.asLong() > 0) {
                return OptionalLong.of(value.asLong());
            }
        }
        return OptionalLong.empty();
    }
}
