package dev.gatehouse.backends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * An OpenAI-compatible chat completions (and legacy text completions) server that is honestly not
 * a model: it answers every conversation with a fixed sentence that quotes the last user message
 * (or the prompt), paced like a real server. It exists so that the gateway can be run and tested end to end without a GPU.
 * Tokens are whitespace-separated words.
 */
final class ChatSimulator {

    private static final String REPLY_PREFIX = "This is Gatehouse's chat simulator, not a language model. You said:";
    private static final int TOKENS_PER_MESSAGE_OVERHEAD = 3;

    private final ObjectMapper json;
    private final ChatSimulatorSettings settings;
    private final Clock clock;

    ChatSimulator(ObjectMapper json, ChatSimulatorSettings settings, Clock clock) {
        this.json = json;
        this.settings = settings;
        this.clock = clock;
    }

    /** A planned completion: what will be said, and the token counts of prompt and answer. */
    record Completion(String id, String model, long created, List<String> tokens, int promptTokens, String finishReason, boolean text) {
        int completionTokens() {
            return tokens.size();
        }
    }

    Completion plan(JsonNode request) {
        String model = requiredText(request, "model");
        JsonNode messages = request.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("'messages' must be a non-empty array");
        }
        int promptTokens = 0;
        String lastUserText = "";
        for (JsonNode message : messages) {
            String role = requiredText(message, "role");
            String text = textOf(message.get("content"));
            promptTokens += TOKENS_PER_MESSAGE_OVERHEAD + words(text).size();
            if (role.equals("user")) {
                lastUserText = text;
            }
        }
        return planned("chatcmpl-", model, request, lastUserText, promptTokens, false);
    }

    /** A legacy text completion of {@code prompt} (a string, or strings answered as one). */
    Completion planText(JsonNode request) {
        String model = requiredText(request, "model");
        JsonNode prompt = request.get("prompt");
        StringBuilder text = new StringBuilder();
        if (prompt != null && prompt.isTextual()) {
            text.append(prompt.asText());
        } else if (prompt != null && prompt.isArray() && !prompt.isEmpty()) {
            for (JsonNode item : prompt) {
                if (!item.isTextual()) {
                    throw new InvalidRequestException("'prompt' must be a string or an array of strings");
                }
                text.append(item.asText()).append(' ');
            }
        } else {
            throw new InvalidRequestException("'prompt' must be a string or an array of strings");
        }
        return planned("cmpl-", model, request, text.toString(), words(text.toString()).size(), true);
    }

    private Completion planned(String idPrefix, String model, JsonNode request, String quoted, int promptTokens, boolean text) {
        List<String> reply = new ArrayList<>(words(REPLY_PREFIX));
        reply.addAll(words(quoted));
        int limit = maxTokens(request);
        String finishReason = "stop";
        if (reply.size() > limit) {
            reply = reply.subList(0, limit);
            finishReason = "length";
        }
        return new Completion(idPrefix + UUID.randomUUID(), model, clock.instant().getEpochSecond(),
                List.copyOf(reply), promptTokens, finishReason, text);
    }

    Mono<String> complete(Completion completion) {
        ObjectNode body = json.createObjectNode();
        body.put("id", completion.id());
        body.put("object", completion.text() ? "text_completion" : "chat.completion");
        body.put("created", completion.created());
        body.put("model", completion.model());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        String answer = String.join(" ", completion.tokens());
        if (completion.text()) {
            choice.put("text", answer);
            choice.putNull("logprobs");
        } else {
            choice.putObject("message").put("role", "assistant").put("content", answer);
        }
        choice.put("finish_reason", completion.finishReason());
        body.set("usage", usage(completion));
        long delayMillis = settings.firstTokenLatency().toMillis()
                + settings.interTokenLatency().toMillis() * Math.max(0, completion.completionTokens() - 1);
        return Mono.delay(java.time.Duration.ofMillis(delayMillis)).thenReturn(body.toString());
    }

    /**
     * Server-sent events as OpenAI streams them: role (chat only), one chunk per token, finish,
     * optional usage, [DONE].
     */
    Flux<String> stream(Completion completion, boolean includeUsage) {
        Flux<String> tokens = Flux.range(0, completion.completionTokens())
                .delayElements(settings.interTokenLatency())
                .map(index -> event(chunk(completion, (index == 0 ? "" : " ") + completion.tokens().get(index), null)));
        Flux<String> opening = completion.text() ? Flux.empty()
                : Mono.just(event(chunk(completion, "", null))).delayElement(settings.firstTokenLatency()).flux();
        Flux<String> closing = Flux.just(event(chunk(completion, null, completion.finishReason())));
        Flux<String> usage = includeUsage ? Flux.just(event(usageChunk(completion))) : Flux.empty();
        return Flux.concat(opening, tokens, closing, usage, Flux.just("data: [DONE]\n\n"));
    }

    /** A chunk adding {@code content} (none when null; the chat role comes with the first, empty one). */
    private ObjectNode chunk(Completion completion, String content, String finishReason) {
        ObjectNode chunk = chunkEnvelope(completion);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        if (completion.text()) {
            choice.put("text", content == null ? "" : content);
            choice.putNull("logprobs");
        } else {
            ObjectNode delta = choice.putObject("delta");
            if (content != null && content.isEmpty()) {
                delta.put("role", "assistant");
            }
            if (content != null) {
                delta.put("content", content);
            }
        }
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode usageChunk(Completion completion) {
        ObjectNode chunk = chunkEnvelope(completion);
        chunk.putArray("choices");
        chunk.set("usage", usage(completion));
        return chunk;
    }

    private ObjectNode chunkEnvelope(Completion completion) {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", completion.id());
        chunk.put("object", completion.text() ? "text_completion" : "chat.completion.chunk");
        chunk.put("created", completion.created());
        chunk.put("model", completion.model());
        return chunk;
    }

    private ObjectNode usage(Completion completion) {
        ObjectNode usage = json.createObjectNode();
        usage.put("prompt_tokens", completion.promptTokens());
        usage.put("completion_tokens", completion.completionTokens());
        usage.put("total_tokens", completion.promptTokens() + completion.completionTokens());
        return usage;
    }

    private static String event(ObjectNode data) {
        return "data: " + data + "\n\n";
    }

    private int maxTokens(JsonNode request) {
        JsonNode requested = request.has("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
        if (requested == null || requested.isNull()) {
            return settings.maxCompletionTokens();
        }
        if (!requested.canConvertToInt() || !requested.isIntegralNumber() || requested.intValue() < 1) {
            throw new InvalidRequestException("'max_tokens' must be a positive integer");
        }
        return Math.min(requested.intValue(), settings.maxCompletionTokens());
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("'" + field + "' must be a non-empty string");
        }
        return value.asText();
    }

    /** Message content is a string, or an array of parts of which the text parts count. */
    private static String textOf(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : (ArrayNode) content) {
                if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                    text.append(part.get("text").asText()).append(' ');
                }
            }
            return text.toString();
        }
        throw new InvalidRequestException("message 'content' must be a string or an array of content parts");
    }

    private static List<String> words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
    }
}
