package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Tokens a call consumed. {@code reportedByBackend} is false when the backend gave no usage and
 * the figures are the gateway's own count (streamed content chunks), which a bill should flag.
 */
public record TokenUsage(int promptTokens, int completionTokens, boolean reportedByBackend) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /**
     * Reads OpenAI's {@code usage} object from a response or chunk, if it has a usable one: chat's
     * ({@code prompt_tokens}, {@code completion_tokens}) or the Responses API's ({@code input_tokens},
     * {@code output_tokens}, in a response or in the response of a typed event such as
     * {@code response.completed}). A usage
     * of {@code total_tokens} alone (vLLM's rerank answers) is all input: a reranker generates nothing.
     */
    public static Optional<TokenUsage> fromResponse(JsonNode response) {
        JsonNode usage = response.get("usage");
        JsonNode typedEventsResponse = response.get("response");
        if (typedEventsResponse != null && typedEventsResponse.isObject() && response.path("type").isTextual()) {
            usage = typedEventsResponse.get("usage");
        }
        if (usage != null && usage.isObject() && usage.path("input_tokens").canConvertToInt()) {
            return Optional.of(new TokenUsage(Math.max(0, usage.get("input_tokens").asInt()),
                    Math.max(0, usage.path("output_tokens").asInt(0)), true));
        }
        if (usage != null && usage.isObject() && !usage.has("prompt_tokens") && !usage.has("completion_tokens")
                && usage.path("total_tokens").canConvertToInt()) {
            return Optional.of(new TokenUsage(Math.max(0, usage.get("total_tokens").asInt()), 0, true));
        }
        if (usage == null || !usage.isObject() || !usage.path("prompt_tokens").canConvertToInt()) {
            return Optional.empty();
        }
        return Optional.of(new TokenUsage(
                Math.max(0, usage.path("prompt_tokens").asInt()),
                Math.max(0, usage.path("completion_tokens").asInt(0)),
                true));
    }
}
