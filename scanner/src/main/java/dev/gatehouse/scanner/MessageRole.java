package dev.gatehouse.scanner;

import java.util.Locale;

/** Who wrote a message in a chat exchange; every role is scanned, including indirect channels. */
public enum MessageRole {
    SYSTEM,
    USER,
    ASSISTANT,
    TOOL,
    FUNCTION,
    RETRIEVED_DOCUMENT;

    /**
     * Maps an OpenAI-style role name ("system", "user", "assistant", "tool", "function", "developer")
     * to a role; unknown names are treated as untrusted retrieved content.
     */
    public static MessageRole fromChatRole(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "system", "developer" -> SYSTEM;
            case "user" -> USER;
            case "assistant" -> ASSISTANT;
            case "tool" -> TOOL;
            case "function" -> FUNCTION;
            default -> RETRIEVED_DOCUMENT;
        };
    }
}
