package dev.gatehouse.gateway.sse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One event of a streamed answer, framed once from the backend's bytes and read at most once,
 * however many steps look at it: its {@code data:} JSON is parsed when a step first asks for it
 * and then shared. A step that changes an event hands on a new one made from the changed data
 * ({@link #of}, {@link #typed}), whose bytes are written once, when the caller's are; an event
 * a step only reads goes on as the very bytes that came.
 */
public final class AnswerEvent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_FIELD = "data:".getBytes(StandardCharsets.US_ASCII);

    private final String type;
    private byte[] bytes;
    private JsonNode data;
    private boolean read;
    private boolean done;

    private AnswerEvent(String type, byte[] bytes, JsonNode data, boolean read) {
        this.type = type;
        this.bytes = bytes;
        this.data = data;
        this.read = read;
    }

    /** An event as it came, with its terminating blank line (or the bytes after the stream's last event). */
    public static AnswerEvent framed(byte[] bytes) {
        return new AnswerEvent(null, bytes, null, false);
    }

    /** A chat-shaped event ({@code data: ...}) carrying this JSON. */
    public static AnswerEvent of(JsonNode data) {
        return new AnswerEvent(null, null, data, true);
    }

    /** A typed event ({@code event: type}, as the Responses API's) carrying this JSON. */
    public static AnswerEvent typed(String type, JsonNode data) {
        return new AnswerEvent(type, null, data, true);
    }

    /** The JSON of the event's {@code data:} lines, or null for comments, {@code [DONE]} and anything unparsable; read once. */
    public JsonNode data() {
        if (!read) {
            read = true;
            data = parseData();
        }
        return data;
    }

    /** Whether this is the stream's {@code data: [DONE]}. */
    public boolean isDone() {
        data();
        return done;
    }

    /**
     * Whether the event may hold an object member of this name: always when its JSON is at hand,
     * else when its bytes hold the quoted name followed by an opening brace, so that the many
     * events without one need not be parsed to know it.
     */
    public boolean mayCarryObject(String name) {
        if (bytes == null || read) {
            return data() != null;
        }
        byte[] quoted = ('"' + name + '"').getBytes(StandardCharsets.UTF_8);
        for (int at = indexOf(quoted, 0); at >= 0; at = indexOf(quoted, at + 1)) {
            int next = at + quoted.length;
            while (next < bytes.length && (bytes[next] == ' ' || bytes[next] == '\t' || bytes[next] == ':')) {
                next++;
            }
            if (next < bytes.length && bytes[next] == '{') {
                return true;
            }
        }
        return false;
    }

    private int indexOf(byte[] needle, int from) {
        for (int at = from; at <= bytes.length - needle.length; at++) {
            if (regionEquals(bytes, at, needle)) {
                return at;
            }
        }
        return -1;
    }

    /** The event as the caller receives it. */
    public byte[] bytes() {
        if (bytes == null) {
            String json = data.toString();
            bytes = (type == null ? "data: " + json + "\n\n" : "event: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    private JsonNode parseData() {
        // nearly every event has one data line: read it where it lies, without copying the event
        int start = -1;
        int end = -1;
        ByteArrayOutputStream joined = null;
        for (int line = 0; line < bytes.length; line = nextLine(line)) {
            if (!startsWithDataField(line)) {
                continue;
            }
            int valueStart = skipBlanks(line + DATA_FIELD.length);
            int valueEnd = trimBlanks(valueStart, endOfLine(line));
            if (start < 0) {
                start = valueStart;
                end = valueEnd;
            } else {
                if (joined == null) {
                    joined = new ByteArrayOutputStream();
                    joined.write(bytes, start, end - start);
                }
                joined.write(bytes, valueStart, valueEnd - valueStart);
            }
        }
        if (start < 0) {
            return null;
        }
        byte[] value = joined == null ? bytes : joined.toByteArray();
        int offset = joined == null ? start : 0;
        int length = joined == null ? end - start : value.length;
        if (length == 0) {
            return null;
        }
        if (length == DONE.length && regionEquals(value, offset, DONE)) {
            done = true;
            return null;
        }
        try {
            return JSON.readTree(value, offset, length);
        } catch (IOException unparsable) {
            return null;
        }
    }

    private boolean startsWithDataField(int line) {
        return line + DATA_FIELD.length <= bytes.length && regionEquals(bytes, line, DATA_FIELD);
    }

    private int endOfLine(int from) {
        int i = from;
        while (i < bytes.length && bytes[i] != '\n' && bytes[i] != '\r') {
            i++;
        }
        return i;
    }

    private int nextLine(int from) {
        int i = endOfLine(from);
        if (i < bytes.length && bytes[i] == '\r') {
            i++;
        }
        if (i < bytes.length && bytes[i] == '\n') {
            i++;
        }
        return i == from ? bytes.length : i;
    }

    private int skipBlanks(int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        return i;
    }

    private int trimBlanks(int start, int end) {
        int i = end;
        while (i > start && (bytes[i - 1] == ' ' || bytes[i - 1] == '\t')) {
            i--;
        }
        return i;
    }

    private static boolean regionEquals(byte[] bytes, int offset, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (bytes[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
