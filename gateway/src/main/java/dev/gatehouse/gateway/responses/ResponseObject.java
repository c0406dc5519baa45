package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.UUID;

/**
 * The Responses API's {@code response} object for one translated call: the request's settings
 * echoed as OpenAI echoes them, its output items, status and usage. Built from a chat completion
 * whole ({@link #fromChat}) or, for streams, step by step by {@link ResponsesStream}.
 */
final class ResponseObject {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode request;
    private final String id = "resp_" + UUID.randomUUID().toString().replace("-", "");
    private final long createdAt;

    ResponseObject(ObjectNode request, Instant createdAt) {
        this.request = request;
        this.createdAt = createdAt.getEpochSecond();
    }

    String id() {
        return id;
    }

    /** A new id for an output item, with OpenAI's prefix for its kind ({@code msg}, {@code fc}). */
    static String itemId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The response object with this status, output and usage (null while a stream is under way). */
    ObjectNode with(String status, ArrayNode output, ObjectNode usage, String incompleteReason) {
        ObjectNode response = NODES.objectNode();
        response.put("id", id);
        response.put("object", "response");
        response.put("created_at", createdAt);
        response.put("status", status);
        response.putNull("error");
        if (incompleteReason == null) {
            response.putNull("incomplete_details");
        } else {
            response.putObject("incomplete_details").put("reason", incompleteReason);
        }
        response.set("instructions", request.path("instructions").isTextual() ? request.get("instructions") : NODES.nullNode());
        response.set("max_output_tokens", request.hasNonNull("max_output_tokens") ? request.get("max_output_tokens") : NODES.nullNode());
        response.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : NODES.objectNode());
        response.set("model", request.get("model"));
        response.set("output", output);
        response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        response.putNull("previous_response_id");
        response.putNull("reasoning");
        response.put("store", false);
        response.set("temperature", request.hasNonNull("temperature") ? request.get("temperature") : NODES.numberNode(1.0));
        response.set("text", request.path("text").isObject() ? request.get("text")
                : NODES.objectNode().set("format", NODES.objectNode().put("type", "text")));
        response.set("tool_choice", request.hasNonNull("tool_choice") ? request.get("tool_choice") : NODES.textNode("auto"));
        response.set("tools", request.path("tools").isArray() ? request.get("tools") : NODES.arrayNode());
        response.set("top_p", request.hasNonNull("top_p") ? request.get("top_p") : NODES.numberNode(1.0));
        response.put("truncation", "disabled");
        response.set("usage", usage == null ? NODES.nullNode() : usage);
        response.set("user", request.path("user").isTextual() ? request.get("user") : NODES.nullNode());
        return response;
    }

    /** The plain answer: a chat completion's first choice as output items. */
    ObjectNode fromChat(JsonNode completion) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode output = NODES.arrayNode();
        String text = message.path("content").asText("");
        if (!text.isEmpty() || !message.path("tool_calls").isArray()) {
            output.add(messageItem(itemId("msg"), "completed", text));
        }
        for (JsonNode call : message.path("tool_calls")) {
            output.add(functionCallItem(itemId("fc"), call.path("id").asText(""), call.path("function").path("name").asText(""),
                    call.path("function").path("arguments").asText(""), "completed"));
        }
        String incomplete = incompleteReason(choice.path("finish_reason").asText(""));
        return with(incomplete == null ? "completed" : "incomplete", output, usage(completion.path("usage")), incomplete);
    }

    static ObjectNode messageItem(String itemId, String status, String text) {
        ObjectNode item = NODES.objectNode().put("id", itemId).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode functionCallItem(String itemId, String callId, String name, String arguments, String status) {
        return NODES.objectNode().put("id", itemId).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }

    /** Chat's usage as the Responses API names it; null when the backend gave none. */
    static ObjectNode usage(JsonNode chatUsage) {
        if (!chatUsage.isObject() || !chatUsage.path("prompt_tokens").canConvertToInt()) {
            return null;
        }
        int input = chatUsage.path("prompt_tokens").asInt();
        int output = chatUsage.path("completion_tokens").asInt(0);
        ObjectNode usage = NODES.objectNode().put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens", chatUsage.path("prompt_tokens_details").path("cached_tokens").asInt(0));
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details")
                .put("reasoning_tokens", chatUsage.path("completion_tokens_details").path("reasoning_tokens").asInt(0));
        usage.put("total_tokens", input + output);
        return usage;
    }

    /** Why an answer stopped short, in the Responses API's words; null when it finished. */
    static String incompleteReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }
}
