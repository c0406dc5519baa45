package dev.gatehouse.testing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/**
 * JSON values of any shape with hostile strings for keys and values, and their text as a sender
 * may write it: any insignificant white space, strings raw or escaped.
 */
public final class RandomJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper RAW = new ObjectMapper();
    private static final ObjectMapper ESCAPED = new ObjectMapper().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII);
    private static final String[] WHITE_SPACE = {"", "", "", " ", "\n", "\t", "\r\n", "  "};

    private RandomJson() {
    }

    public static ObjectNode object(Random random, int maxDepth) {
        ObjectNode object = NODES.objectNode();
        int members = random.nextInt(6);
        for (int i = 0; i < members; i++) {
            object.set(HostileText.next(random, 3), value(random, maxDepth - 1));
        }
        return object;
    }

    public static JsonNode value(Random random, int maxDepth) {
        int kinds = maxDepth > 0 ? 9 : 7;
        return switch (random.nextInt(kinds)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> longNumber(random.nextLong());
            case 4 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 5, 6 -> NODES.textNode(HostileText.next(random, 8));
            case 7 -> object(random, maxDepth);
            default -> array(random, maxDepth);
        };
    }

    /** As a parser reads it back: an int where it fits in one. */
    private static JsonNode longNumber(long value) {
        return (int) value == value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static ArrayNode array(Random random, int maxDepth) {
        ArrayNode array = NODES.arrayNode();
        int elements = random.nextInt(6);
        for (int i = 0; i < elements; i++) {
            array.add(value(random, maxDepth - 1));
        }
        return array;
    }

    /** The value's JSON text with white space between any two tokens, each string raw UTF-8 or escaped. */
    public static String write(JsonNode value, Random random) {
        StringBuilder text = new StringBuilder();
        write(value, random, text);
        return text.append(space(random)).toString();
    }

    private static void write(JsonNode value, Random random, StringBuilder text) {
        text.append(space(random));
        if (value.isObject()) {
            text.append('{');
            Iterator<Map.Entry<String, JsonNode>> members = value.fields();
            while (members.hasNext()) {
                Map.Entry<String, JsonNode> member = members.next();
                text.append(space(random)).append(quote(member.getKey(), random)).append(space(random)).append(':');
                write(member.getValue(), random, text);
                text.append(space(random)).append(members.hasNext() ? "," : "");
            }
            text.append(space(random)).append('}');
        } else if (value.isArray()) {
            text.append('[');
            for (int i = 0; i < value.size(); i++) {
                write(value.get(i), random, text);
                text.append(space(random)).append(i < value.size() - 1 ? "," : "");
            }
            text.append(space(random)).append(']');
        } else if (value.isTextual()) {
            text.append(quote(value.textValue(), random));
        } else {
            text.append(value);
        }
    }

    /** The value's JSON text on one line, everything outside ASCII escaped. */
    public static String oneLine(JsonNode value) {
        try {
            return ESCAPED.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a member name anywhere in the value holds a lone surrogate, which no JSON parser need accept. */
    public static boolean hasBrokenName(JsonNode value) {
        for (Iterator<Map.Entry<String, JsonNode>> members = value.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            if (!wellFormed(member.getKey()) || hasBrokenName(member.getValue())) {
                return true;
            }
        }
        for (JsonNode element : value.isArray() ? value : NODES.arrayNode()) {
            if (hasBrokenName(element)) {
                return true;
            }
        }
        return false;
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The string as a JSON literal, raw UTF-8 or escaped; lone surrogates have no UTF-8 form and are always escaped. */
    public static String quote(String value, Random random) {
        try {
            return (wellFormed(value) && random.nextBoolean() ? RAW : ESCAPED).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String space(Random random) {
        return WHITE_SPACE[random.nextInt(WHITE_SPACE.length)];
    }
}
