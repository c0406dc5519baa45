package dev.gatehouse.scanner;

/** One occurrence of personal data: its type and where it is ({@code start} inclusive, {@code end} exclusive). */
public record PiiMatch(PiiType type, int start, int end) {

    public String in(String text) {
        return text.substring(start, end);
    }
}
