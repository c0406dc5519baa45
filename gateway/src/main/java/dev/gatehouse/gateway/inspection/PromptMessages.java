package dev.gatehouse.gateway.inspection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.scanner.MessageRole;
import dev.gatehouse.scanner.ScannedMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Every piece of text a request would show a model, with who wrote it: chat messages of all roles
 * (content strings and text parts, tool results, and the arguments of earlier tool calls), text
 * completion prompts and suffixes (the caller's own text), the texts of tool definitions and of a
 * structured output's schema, rerank queries (the caller's) and documents, and embeddings inputs
 * (documents, so scanned as retrieved content). The same walk rewrites those texts for redaction,
 * so what is scanned and what is redacted cannot drift apart.
 */
public final class PromptMessages {

    /** OpenAI's own bound on embeddings inputs; applied to chat messages too, so a scan's cost is bounded. */
    public static final int MAX_MESSAGES = 2048;

    /**
     * The JSON-schema keywords whose string values are prose or data the model reads. Names,
     * types, formats and the {@code required} lists name things, are left alone (a rewritten name
     * would break the tool) and cannot hold a sentence.
     */
    private static final Set<String> MODEL_VISIBLE_KEYWORDS = Set.of("description", "title", "default", "const", "enum", "examples");

    private PromptMessages() {
    }

    /**
     * The texts in the order the scanner should weigh them: definitions (tools, output schema)
     * first, each as one text, then the conversation, so that its latest messages stay the most
     * recent however many definitions a request carries.
     */
    public static List<ScannedMessage> extract(Endpoint endpoint, ObjectNode body) {
        List<ScannedMessage> messages = new ArrayList<>();
        visit(endpoint, body, new TextVisitor() {
            private StringBuilder definition;

            @Override
            public String visit(MessageRole role, String text) {
                if (definition == null) {
                    messages.add(new ScannedMessage(role, text));
                } else {
                    definition.append(definition.isEmpty() ? "" : "\n").append(text);
                }
                return text;
            }

            @Override
            public void beginDefinition() {
                definition = new StringBuilder();
            }

            @Override
            public void endDefinition(MessageRole role) {
                if (!definition.isEmpty()) {
                    messages.add(new ScannedMessage(role, definition.toString()));
                }
                definition = null;
            }
        });
        return messages;
    }

    /** The system (and developer) instructions of a chat request, joined; what a response must not leak. */
    public static String systemPrompt(Endpoint endpoint, ObjectNode body) {
        StringBuilder system = new StringBuilder();
        visit(endpoint, body, (role, text) -> {
            if (role == MessageRole.SYSTEM) {
                system.append(text).append('\n');
            }
            return text;
        });
        return system.toString().strip();
    }

    /** Whether {@link #extract} joins several texts into one message (tool definitions, an output schema). */
    public static boolean joinsTexts(Endpoint endpoint, ObjectNode body) {
        boolean[] joins = {false};
        visit(endpoint, body, new TextVisitor() {
            @Override
            public String visit(MessageRole role, String text) {
                return text;
            }

            @Override
            public void beginDefinition() {
                joins[0] = true;
            }
        });
        return joins[0];
    }

    /** Replaces every text the model would see by {@code rewrite} of it, in place. */
    public static void rewrite(Endpoint endpoint, ObjectNode body, UnaryOperator<String> rewrite) {
        visit(endpoint, body, (role, text) -> rewrite.apply(text));
    }

    private interface TextVisitor {
        String visit(MessageRole role, String text);

        /** The texts visited until {@link #endDefinition} belong to one definition (a tool, an output schema). */
        default void beginDefinition() {
        }

        default void endDefinition(MessageRole role) {
        }
    }

    private static void visit(Endpoint endpoint, ObjectNode body, TextVisitor visitor) {
        switch (endpoint) {
            case CHAT_COMPLETIONS -> visitChat(body, visitor);
            // translated to chat before any step reads it, unless it goes as it is to backends serving the Responses API
            case RESPONSES -> {
                if (body.has("messages")) {
                    visitChat(body, visitor);
                } else {
                    visitResponsesInput(body, visitor);
                }
            }
            case COMPLETIONS -> visitCompletionPrompt(body, visitor);
            case EMBEDDINGS -> visitEmbeddingsInput(body, visitor);
            case RERANK -> visitRerankInput(body, visitor);
            default -> {
            }
        }
    }

    private static void visitChat(ObjectNode body, TextVisitor visitor) {
        visitToolDefinitions(body.get("tools"), true, visitor);
        visitToolDefinitions(body.get("functions"), false, visitor);
        if (body.path("response_format").path("json_schema") instanceof ObjectNode schema) {
            visitor.beginDefinition();
            visitSchemaTexts(MessageRole.USER, schema, visitor);
            visitor.endDefinition(MessageRole.USER);
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'messages' must be a non-empty array of message objects.", "messages");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'messages' may hold at most " + MAX_MESSAGES + " messages.", "messages");
        }
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "Each message must be an object with a string 'role'.", "messages");
            }
            MessageRole role = MessageRole.fromChatRole(message.get("role").asText());
            ObjectNode object = (ObjectNode) message;
            JsonNode content = object.get("content");
            if (content != null && content.isTextual()) {
                object.set("content", TextNode.valueOf(visitor.visit(role, content.asText())));
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    if (part.isObject() && part.path("text").isTextual()) {
                        ((ObjectNode) part).put("text", visitor.visit(role, part.get("text").asText()));
                    }
                }
            } else if (content != null && !content.isNull()) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "Message 'content' must be a string, an array of parts, or null.", "messages");
            }
            JsonNode toolCalls = object.get("tool_calls");
            if (toolCalls != null && toolCalls.isArray()) {
                for (JsonNode call : toolCalls) {
                    JsonNode function = call.path("function");
                    if (function.isObject() && function.path("arguments").isTextual()) {
                        ((ObjectNode) function).put("arguments", visitor.visit(MessageRole.FUNCTION, function.get("arguments").asText()));
                    }
                }
            }
        }
    }

    /**
     * A Responses API request passed through as it is, already checked to hold only what the
     * translation reads: {@code instructions} (system), {@code input} as a string (the caller's) or
     * items (messages of their role, text parts included; the arguments of earlier function calls;
     * function outputs as tool results), and the descriptions of its function tools.
     */
    private static void visitResponsesInput(ObjectNode body, TextVisitor visitor) {
        if (body.path("instructions").isTextual()) {
            body.put("instructions", visitor.visit(MessageRole.SYSTEM, body.get("instructions").asText()));
        }
        JsonNode input = body.get("input");
        if (input != null && input.isTextual()) {
            body.put("input", visitor.visit(MessageRole.USER, input.asText()));
        } else if (input != null && input.isArray()) {
            if (input.size() > MAX_MESSAGES) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'input' may hold at most " + MAX_MESSAGES + " items.", "input");
            }
            for (JsonNode item : input) {
                visitResponsesItem((ObjectNode) item, visitor);
            }
        }
        visitToolDefinitions(body.get("tools"), false, visitor);
    }

    private static void visitResponsesItem(ObjectNode item, TextVisitor visitor) {
        switch (item.path("type").asText("message")) {
            case "function_call" -> item.put("arguments", visitor.visit(MessageRole.FUNCTION, item.get("arguments").asText()));
            case "function_call_output" -> item.put("output", visitor.visit(MessageRole.TOOL, item.get("output").asText()));
            default -> {
                MessageRole role = MessageRole.fromChatRole(item.get("role").asText());
                JsonNode content = item.get("content");
                if (content.isTextual()) {
                    item.put("content", visitor.visit(role, content.asText()));
                    return;
                }
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        ((ObjectNode) part).put("text", visitor.visit(role, part.get("text").asText()));
                    }
                }
            }
        }
    }

    /**
     * Tool definitions ({@code tools[].function}, or the legacy {@code functions[]}) are text the
     * model reads: their descriptions, titles and example, default, constant and enumerated values,
     * and those of their parameters at any depth, are scanned as tool content, since they often come
     * from a third party's tool server. A structured output's schema ({@code response_format}) is the
     * caller's own text and is read the same way.
     */
    private static void visitToolDefinitions(JsonNode definitions, boolean wrapped, TextVisitor visitor) {
        if (definitions == null || !definitions.isArray()) {
            return;
        }
        for (JsonNode definition : definitions) {
            JsonNode function = wrapped ? definition.path("function") : definition;
            if (function.isObject()) {
                visitor.beginDefinition();
                visitSchemaTexts(MessageRole.TOOL, function, visitor);
                visitor.endDefinition(MessageRole.TOOL);
            }
        }
    }

    private static void visitSchemaTexts(MessageRole role, JsonNode node, TextVisitor visitor) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> {
                boolean visible = MODEL_VISIBLE_KEYWORDS.contains(field.getKey());
                if (visible && field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(visitor.visit(role, field.getValue().asText())));
                } else if (visible && field.getValue() instanceof ArrayNode values) {
                    for (int index = 0; index < values.size(); index++) {
                        if (values.get(index).isTextual()) {
                            values.set(index, TextNode.valueOf(visitor.visit(role, values.get(index).asText())));
                        } else {
                            visitSchemaTexts(role, values.get(index), visitor);
                        }
                    }
                } else {
                    visitSchemaTexts(role, field.getValue(), visitor);
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(item -> visitSchemaTexts(role, item, visitor));
        }
    }

    /**
     * A legacy completion's {@code prompt} (a string or strings) and {@code suffix}. Prompts of
     * token ids are refused: the scanner cannot read them, and an unread prompt must not pass.
     */
    private static void visitCompletionPrompt(ObjectNode body, TextVisitor visitor) {
        JsonNode prompt = body.get("prompt");
        if (prompt != null && prompt.isTextual()) {
            body.put("prompt", visitor.visit(MessageRole.USER, prompt.asText()));
        } else if (prompt != null && prompt.isArray() && !prompt.isEmpty() && prompt.size() <= MAX_MESSAGES) {
            ArrayNode prompts = (ArrayNode) prompt;
            for (int index = 0; index < prompts.size(); index++) {
                if (!prompts.get(index).isTextual()) {
                    throw new ApiProblem(ProblemType.INVALID_REQUEST, "'prompt' must be a string or an array of at most " + MAX_MESSAGES
                            + " strings; prompts of token ids are not accepted, since they cannot be inspected.", "prompt");
                }
                prompts.set(index, TextNode.valueOf(visitor.visit(MessageRole.USER, prompts.get(index).asText())));
            }
        } else {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'prompt' must be a string or an array of at most " + MAX_MESSAGES
                    + " strings; prompts of token ids are not accepted, since they cannot be inspected.", "prompt");
        }
        JsonNode suffix = body.get("suffix");
        if (suffix != null && suffix.isTextual()) {
            body.put("suffix", visitor.visit(MessageRole.USER, suffix.asText()));
        } else if (suffix != null && !suffix.isNull()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'suffix' must be a string or null.", "suffix");
        }
    }

    private static void visitEmbeddingsInput(ObjectNode body, TextVisitor visitor) {
        JsonNode input = body.get("input");
        if (input != null && input.isTextual()) {
            requireVisible(input.asText(), "'input'");
            body.put("input", visitor.visit(MessageRole.RETRIEVED_DOCUMENT, input.asText()));
        } else if (input != null && input.isArray()) {
            ArrayNode items = (ArrayNode) input;
            if (items.size() > MAX_MESSAGES) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'input' may hold at most " + MAX_MESSAGES + " items.", "input");
            }
            for (int index = 0; index < items.size(); index++) {
                if (items.get(index).isTextual()) {
                    requireVisible(items.get(index).asText(), "'input' item " + index);
                    items.set(index, TextNode.valueOf(visitor.visit(MessageRole.RETRIEVED_DOCUMENT, items.get(index).asText())));
                }
            }
        }
    }

    /** A rerank {@code query} (the caller's text) and its {@code documents} (strings or objects with a {@code text}: retrieved content). */
    private static void visitRerankInput(ObjectNode body, TextVisitor visitor) {
        JsonNode query = body.get("query");
        if (query == null || !query.isTextual()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'query' is required and must be a string.", "query");
        }
        requireVisible(query.asText(), "'query'");
        body.put("query", visitor.visit(MessageRole.USER, query.asText()));
        JsonNode documents = body.get("documents");
        if (documents == null || !documents.isArray() || documents.isEmpty() || documents.size() > MAX_MESSAGES) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'documents' must be an array of 1 to " + MAX_MESSAGES
                    + " strings or objects with a string 'text'.", "documents");
        }
        ArrayNode items = (ArrayNode) documents;
        for (int index = 0; index < items.size(); index++) {
            JsonNode document = items.get(index);
            if (document.isTextual()) {
                items.set(index, TextNode.valueOf(visitor.visit(MessageRole.RETRIEVED_DOCUMENT, document.asText())));
            } else if (document.isObject() && document.path("text").isTextual()) {
                ((ObjectNode) document).put("text", visitor.visit(MessageRole.RETRIEVED_DOCUMENT, document.get("text").asText()));
            } else {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'documents' item " + index
                        + " must be a string or an object with a string 'text'.", "documents");
            }
        }
    }

    /** There is nothing to embed in a text without a letter, mark, number, punctuation or symbol. */
    private static void requireVisible(String text, String what) {
        if (text.codePoints().noneMatch(PromptMessages::isVisible)) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, what + " is blank: it has no letter, mark, number, punctuation or symbol, "
                    + "only whitespace, control, format, private-use or unassigned characters or unpaired surrogates.", "input");
        }
    }

    private static boolean isVisible(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.CONTROL,
                 Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
