package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.testing.HostileText;
import dev.gatehouse.testing.InvalidUtf8;
import dev.gatehouse.testing.RandomJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A valid request body made hostile in one way: a field of the wrong type, hostile or huge text,
 * null, missing or unknown fields, deep nesting, a duplicate key, a number no parser agrees on;
 * or a text that is no longer one JSON object: truncated, with trailing content, invalid UTF-8,
 * empty, another kind of value.
 */
final class HostileBodies {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Stands for a raw JSON literal in a tree, replaced in its text. */
    private static final String RAW = "\u0001raw\u0001";
    private static final String[] RAW_NUMBERS = {"1e400", "-1e400", "-0", "1.5", "18446744073709551616", "-9223372036854775809",
            "0.0000000000000000000000001", "1E+2147483648", "1e999999999", "1e-999999999", "01", "NaN", "Infinity", "0x10", "+1", ".5", "1.", "9".repeat(400)};
    private static final String[] TRAILERS = {" x", "}", "]", ",", "{}", "[]", " 0", "\"more\"", "null", "\u0000", " //", "{\"model\":\"other\"}"};
    private static final String[] NOT_OBJECTS = {"", " ", "\n", "[]", "[{}]", "\"text\"", "1", "null", "true", "{", "}", "{]", "{\"a\"}", "{'a':1}"};
    private HostileBodies() {
    }

    /** A body as sent, and what was done to a valid one to make it. */
    record Body(String mutation, byte[] bytes) {
        static Body of(String mutation, String text) {
            return new Body(mutation, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Body valid(JsonNode body, Random random) {
        return Body.of("valid", RandomJson.write(body, random));
    }

    static Body mutated(ObjectNode valid, Random random) {
        ObjectNode body = valid.deepCopy();
        List<Slot> slots = slots(body);
        Slot slot = slots.isEmpty() ? null : slots.get(random.nextInt(slots.size()));
        int kind = random.nextInt(15);
        if (slot == null && kind < 9) {
            kind = 9 + random.nextInt(6);
        }
        return switch (kind) {
            case 0, 1 -> {
                slot.set(otherTyped(slot.get(), random));
                yield written("wrong type at " + slot, body, random);
            }
            case 2, 3 -> {
                slot.set(NODES.textNode(HostileText.next(random, 12)));
                yield written("hostile text at " + slot, body, random);
            }
            case 4 -> {
                int length = new int[] {5_000, 70_000, 300_000, 1_100_000}[random.nextInt(4)];
                slot.set(NODES.textNode("A".repeat(length)));
                yield written(length + " characters at " + slot, body, random);
            }
            case 5 -> {
                slot.set(NODES.nullNode());
                yield written("null at " + slot, body, random);
            }
            case 6 -> {
                slot.remove();
                yield written("without " + slot, body, random);
            }
            case 7 -> {
                int depth = random.nextBoolean() ? 65 : 5_000;
                slot.set(NODES.textNode(RAW));
                yield Body.of("nesting " + depth + " deep at " + slot,
                        RandomJson.write(body, random).replace(quoted(RAW), "[".repeat(depth) + "]".repeat(depth)));
            }
            case 8 -> {
                String number = RAW_NUMBERS[random.nextInt(RAW_NUMBERS.length)];
                slot.set(NODES.textNode(RAW));
                yield Body.of("number " + abbreviated(number) + " at " + slot, RandomJson.write(body, random).replace(quoted(RAW), number));
            }
            case 9 -> {
                String name = random.nextBoolean() ? "zz_unknown" : HostileText.next(random, 3);
                body.set(name, RandomJson.value(random, 2));
                yield written("unknown field " + HostileText.escaped(name), body, random);
            }
            case 10 -> duplicateKey(body, random);
            case 11 -> {
                String text = RandomJson.write(body, random);
                yield Body.of("truncated", text.substring(0, random.nextInt(Math.max(1, text.length()))));
            }
            case 12 -> Body.of("trailing content", RandomJson.write(body, random) + TRAILERS[random.nextInt(TRAILERS.length)]);
            case 13 -> invalidUtf8(body, random);
            default -> {
                String text = NOT_OBJECTS[random.nextInt(NOT_OBJECTS.length)];
                yield Body.of("not an object: " + HostileText.escaped(text), text);
            }
        };
    }

    private static Body written(String mutation, JsonNode body, Random random) {
        return Body.of(mutation, RandomJson.write(body, random));
    }

    private static Body duplicateKey(ObjectNode body, Random random) {
        String text = RandomJson.write(body, random).strip();
        String name = body.isEmpty() ? "model" : body.fieldNames().next();
        String duplicate = RandomJson.quote(name, random) + ":" + RandomJson.oneLine(RandomJson.value(random, 1));
        return Body.of("duplicate key " + HostileText.escaped(name),
                "{" + duplicate + (body.isEmpty() ? "" : ",") + text.substring(1));
    }

    private static Body invalidUtf8(ObjectNode body, Random random) {
        InvalidUtf8.Inserted inserted = InvalidUtf8.insertInto(RandomJson.write(body, random).getBytes(StandardCharsets.UTF_8), random);
        return new Body("invalid UTF-8 at byte " + inserted.at(), inserted.bytes());
    }

    private static JsonNode otherTyped(JsonNode value, Random random) {
        List<JsonNode> others = new ArrayList<>(List.of(NODES.numberNode(7), NODES.numberNode(-1), NODES.numberNode(1.5),
                NODES.textNode("7"), NODES.textNode(""), NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(),
                NODES.arrayNode().add(1).add("a"), NODES.objectNode().put("a", 1)));
        others.removeIf(other -> other.getNodeType() == value.getNodeType());
        return others.get(random.nextInt(others.size()));
    }

    private static String quoted(String raw) {
        return RandomJson.oneLine(NODES.textNode(raw));
    }

    private static String abbreviated(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "..." : text;
    }

    /** Every place in a body that holds a value: members of objects and elements of arrays, at any depth. */
    private static List<Slot> slots(JsonNode container) {
        List<Slot> slots = new ArrayList<>();
        collect(container, "", slots);
        return slots;
    }

    private static void collect(JsonNode container, String pointer, List<Slot> slots) {
        if (container instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                slots.add(new Slot(object, name, -1, pointer + "/" + name));
                collect(object.get(name), pointer + "/" + name, slots);
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i, pointer + "/" + i));
                collect(array.get(i), pointer + "/" + i, slots);
            }
        }
    }

    /** A member of an object or an element of an array, to replace or remove. */
    private record Slot(JsonNode parent, String name, int index, String pointer) {

        JsonNode get() {
            return name != null ? parent.get(name) : parent.get(index);
        }

        void set(JsonNode value) {
            if (name != null) {
                ((ObjectNode) parent).set(name, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (name != null) {
                ((ObjectNode) parent).remove(name);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        @Override
        public String toString() {
            return HostileText.escaped(pointer);
        }
    }
}
