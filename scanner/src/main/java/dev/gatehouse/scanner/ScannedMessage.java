package dev.gatehouse.scanner;

import java.util.Objects;

/** One message of a request, as the scanner sees it. */
public record ScannedMessage(MessageRole role, String content) {
    public ScannedMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }

    public static ScannedMessage user(String content) {
        return new ScannedMessage(MessageRole.USER, content);
    }
}
