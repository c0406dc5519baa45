package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a Responses API request ({@code POST /v1/responses}) into the chat completion that a
 * chat-only backend serves, field by field as docs/responses-translation.md lists; a field that
 * has no chat equivalent is refused with a 400 naming it, never dropped silently.
 */
public final class ResponsesRequest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Fields copied to the chat request as they are. */
    private static final List<String> SAME_IN_CHAT = List.of("temperature", "top_p", "parallel_tool_calls", "user", "top_logprobs",
            "metadata", "service_tier", "safety_identifier", "prompt_cache_key");
    /** Fields the translation reads itself. */
    private static final Set<String> TRANSLATED = Set.of("model", "input", "instructions", "tools", "tool_choice", "text",
            "max_output_tokens", "stream");
    /** Fields accepted at the value that asks for nothing chat lacks ({@code store} is read off before, by ResponseKeeping). */
    private static final Map<String, JsonNode> HARMLESS_VALUES = Map.of("background", NODES.booleanNode(false),
            "truncation", NODES.textNode("disabled"));
    /** Settings a backend serving the Responses API takes itself and chat cannot express; none carries text the model reads. */
    private static final Set<String> PASSED_THROUGH_SETTINGS = Set.of("reasoning", "truncation", "include", "max_tool_calls");
    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");

    private ResponsesRequest() {
    }

    public static ObjectNode toChat(ObjectNode request) {
        return toChat(request, Set.of());
    }

    /**
     * Checks a request that goes as it is to a backend serving the Responses API: it must hold only
     * what the translation reads (so the prompt scan reads every input item and every tool
     * description, as for a translated call), besides settings that carry no model-visible text.
     */
    public static void checkPassThrough(ObjectNode request) {
        toChat(request, PASSED_THROUGH_SETTINGS);
    }

    private static ObjectNode toChat(ObjectNode request, Set<String> settingsToIgnore) {
        ObjectNode chat = NODES.objectNode();
        request.fieldNames().forEachRemaining(field -> {
            JsonNode value = request.get(field);
            if (TRANSLATED.contains(field) || SAME_IN_CHAT.contains(field) || value.isNull() || value.equals(HARMLESS_VALUES.get(field))
                    || settingsToIgnore.contains(field)) {
                return;
            }
            if (field.equals("conversation")) {
                throw untranslatable(field, "Conversation objects ('conversation') are not offered by this gateway; continue a stored "
                        + "response with 'previous_response_id', or send the earlier turns in 'input'.");
            }
            throw untranslatable(field, "'" + field + "' has no equivalent in the chat completions this model's backends serve.");
        });
        chat.set("model", request.get("model"));
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = request.get("instructions");
        if (instructions != null && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw invalid("instructions", "'instructions' must be a string.");
            }
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        translateInput(request.get("input"), messages);
        SAME_IN_CHAT.forEach(field -> {
            if (request.hasNonNull(field)) {
                chat.set(field, request.get(field));
            }
        });
        if (request.hasNonNull("max_output_tokens")) {
            chat.set("max_completion_tokens", request.get("max_output_tokens"));
        }
        if (request.hasNonNull("stream")) {
            chat.set("stream", request.get("stream"));
            if (request.get("stream").asBoolean(false)) {
                // the final response.completed event carries usage, so the stream must end with it
                chat.putObject("stream_options").put("include_usage", true);
            }
        }
        translateTools(request.get("tools"), chat);
        translateToolChoice(request.get("tool_choice"), chat);
        translateTextFormat(request.get("text"), chat);
        return chat;
    }

    private static void translateInput(JsonNode input, ArrayNode messages) {
        if (input != null && input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (input == null || !input.isArray() || input.isEmpty()) {
            throw invalid("input", "'input' must be a string or a non-empty array of input items.");
        }
        ObjectNode pendingToolCalls = null;
        for (JsonNode item : input) {
            if (!item.isObject()) {
                throw invalid("input", "Each 'input' item must be an object.");
            }
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> {
                    pendingToolCalls = null;
                    messages.add(message(item));
                }
                case "function_call" -> {
                    if (pendingToolCalls == null) {
                        pendingToolCalls = messages.addObject().put("role", "assistant").putNull("content");
                        pendingToolCalls.putArray("tool_calls");
                    }
                    ((ArrayNode) pendingToolCalls.get("tool_calls")).addObject()
                            .put("id", requiredText(item, "call_id", "input"))
                            .put("type", "function")
                            .putObject("function")
                            .put("name", requiredText(item, "name", "input"))
                            .put("arguments", requiredText(item, "arguments", "input"));
                }
                case "function_call_output" -> {
                    pendingToolCalls = null;
                    JsonNode output = item.get("output");
                    if (output == null || !output.isTextual()) {
                        throw untranslatable("input", "A 'function_call_output' must have a string 'output' to be sent as a chat tool message.");
                    }
                    messages.addObject().put("role", "tool").put("tool_call_id", requiredText(item, "call_id", "input"))
                            .put("content", output.asText());
                }
                default -> throw untranslatable("input", "Input items of type '" + type + "' cannot be translated to chat; "
                        + "send messages, function_call and function_call_output items.");
            }
        }
    }

    private static ObjectNode message(JsonNode item) {
        String role = requiredText(item, "role", "input");
        if (!MESSAGE_ROLES.contains(role)) {
            throw invalid("input", "A message's 'role' must be one of user, assistant, system or developer.");
        }
        ObjectNode message = NODES.objectNode().put("role", role);
        JsonNode content = item.get("content");
        if (content != null && content.isTextual()) {
            message.put("content", content.asText());
            return message;
        }
        if (content == null || !content.isArray()) {
            throw invalid("input", "A message's 'content' must be a string or an array of content parts.");
        }
        ArrayNode parts = message.putArray("content");
        for (JsonNode part : content) {
            String partType = part.path("type").asText("");
            switch (partType) {
                case "input_text", "output_text" -> parts.addObject().put("type", "text").put("text", requiredText(part, "text", "input"));
                case "input_image" -> {
                    if (!part.path("image_url").isTextual()) {
                        throw untranslatable("input", "An 'input_image' must carry an 'image_url' to be sent to chat; file ids cannot be.");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", part.get("image_url").asText());
                    if (part.path("detail").isTextual()) {
                        image.put("detail", part.get("detail").asText());
                    }
                }
                default -> throw untranslatable("input", "Content parts of type '" + partType + "' cannot be translated to chat; "
                        + "send input_text, output_text or input_image with an image_url.");
            }
        }
        return message;
    }

    private static void translateTools(JsonNode tools, ObjectNode chat) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid("tools", "'tools' must be an array.");
        }
        ArrayNode chatTools = chat.putArray("tools");
        for (JsonNode tool : tools) {
            if (!"function".equals(tool.path("type").asText())) {
                throw untranslatable("tools", "Tools of type '" + tool.path("type").asText("") + "' (built-in tools) cannot be "
                        + "translated to chat; only function tools can.");
            }
            ObjectNode function = chatTools.addObject().put("type", "function").putObject("function");
            function.put("name", requiredText(tool, "name", "tools"));
            for (String field : List.of("description", "parameters", "strict")) {
                if (tool.hasNonNull(field)) {
                    function.set(field, tool.get(field));
                }
            }
        }
    }

    private static void translateToolChoice(JsonNode choice, ObjectNode chat) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText())) {
            chat.set("tool_choice", choice);
        } else if (choice.isObject() && "function".equals(choice.path("type").asText())) {
            chat.putObject("tool_choice").put("type", "function").putObject("function").put("name", requiredText(choice, "name", "tool_choice"));
        } else {
            throw untranslatable("tool_choice", "'tool_choice' must be auto, none, required or a function tool to be translated to chat.");
        }
    }

    private static void translateTextFormat(JsonNode text, ObjectNode chat) {
        if (text == null || text.isNull()) {
            return;
        }
        if (!text.isObject()) {
            throw invalid("text", "'text' must be an object.");
        }
        text.fieldNames().forEachRemaining(field -> {
            if (!field.equals("format")) {
                throw untranslatable("text", "'text." + field + "' has no equivalent in chat completions.");
            }
        });
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            return;
        }
        String type = format.path("type").asText("");
        switch (type) {
            case "text", "json_object" -> chat.putObject("response_format").put("type", type);
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.put("name", requiredText(format, "name", "text"));
                for (String field : List.of("schema", "strict", "description")) {
                    if (format.hasNonNull(field)) {
                        schema.set(field, format.get(field));
                    }
                }
            }
            default -> throw untranslatable("text", "'text.format' must be of type text, json_object or json_schema.");
        }
    }

    private static String requiredText(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid(param, "'" + field + "' must be a string in each '" + param + "' entry that needs it.");
        }
        return value.asText();
    }

    private static ApiProblem invalid(String param, String detail) {
        return new ApiProblem(ProblemType.INVALID_REQUEST, detail, param);
    }

    private static ApiProblem untranslatable(String param, String detail) {
        return new ApiProblem(ProblemType.UNSUPPORTED_PARAMETER, detail, param);
    }
}
