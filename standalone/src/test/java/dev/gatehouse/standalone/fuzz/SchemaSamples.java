package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.gatehouse.standalone.fuzz.OpenApiDocument.map;

/**
 * Values that a schema admits, as a well-meaning client would send them: every required property,
 * some optional ones, strings that match their pattern and lie within their bounds. Whether the
 * server accepts them also depends on rules no schema states; the fuzzer wants mostly-valid values
 * to get past the first check and reach the code behind it.
 */
final class SchemaSamples {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final OpenApiDocument document;
    private final List<String> uris;

    /** {@code uris}: what to send for {@code format: uri}, addresses this machine may be sent to. */
    SchemaSamples(OpenApiDocument document, List<String> uris) {
        this.document = document;
        this.uris = uris;
    }

    JsonNode sample(Map<String, Object> schema, Random random) {
        Map<String, Object> resolved = merged(document.resolve(schema));
        if (resolved.containsKey("const")) {
            return plain(resolved.get("const"));
        }
        if (resolved.get("enum") instanceof List<?> values) {
            return plain(values.get(random.nextInt(values.size())));
        }
        if (resolved.get("oneOf") instanceof List<?> alternatives) {
            return sample(map(alternatives.get(random.nextInt(alternatives.size()))), random);
        }
        return switch (type(resolved, random)) {
            case "object" -> object(resolved, random);
            case "array" -> array(resolved, random);
            case "string" -> NODES.textNode(string(resolved, random));
            case "integer" -> NODES.numberNode(integer(resolved, random));
            case "number" -> NODES.numberNode(number(resolved, random));
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            default -> NODES.nullNode();
        };
    }

    /** The properties a schema names, after {@code allOf} is merged, with whether each is required. */
    Map<String, Boolean> properties(Map<String, Object> schema) {
        Map<String, Object> resolved = merged(document.resolve(schema));
        Set<String> required = new LinkedHashSet<>(strings(resolved.get("required")));
        Map<String, Boolean> properties = new LinkedHashMap<>();
        map(resolved.get("properties")).keySet().forEach(name -> properties.put(name, required.contains(name)));
        return properties;
    }

    private ObjectNode object(Map<String, Object> schema, Random random) {
        ObjectNode object = NODES.objectNode();
        Set<String> required = new LinkedHashSet<>(strings(schema.get("required")));
        map(schema.get("properties")).forEach((name, property) -> {
            if (required.contains(name) || random.nextBoolean()) {
                object.set(name, sample(map(property), random));
            }
        });
        if (schema.get("additionalProperties") instanceof Map<?, ?> values) {
            for (int i = random.nextInt(3); i > 0; i--) {
                object.set(PatternStrings.sample("^[a-z][a-z-]{1,12}$", random), sample(map(values), random));
            }
        }
        return object;
    }

    private ArrayNode array(Map<String, Object> schema, Random random) {
        ArrayNode array = NODES.arrayNode();
        int min = number(schema.get("minItems"), 0).intValue();
        int max = Math.min(number(schema.get("maxItems"), min + 3).intValue(), min + 3);
        for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
            array.add(sample(map(schema.get("items")), random));
        }
        return array;
    }

    private String string(Map<String, Object> schema, Random random) {
        if (schema.get("pattern") instanceof String pattern) {
            return PatternStrings.sample(pattern, random);
        }
        if (schema.containsKey("minimum")) {
            return number(schema, random).toPlainString();
        }
        String format = String.valueOf(schema.get("format"));
        return switch (format) {
            case "date-time" -> Instant.now().plus(Duration.ofDays(1 + random.nextInt(300))).truncatedTo(ChronoUnit.SECONDS).toString();
            case "email" -> "fuzz-" + Integer.toUnsignedString(random.nextInt(), 36) + "@example.com";
            case "uri" -> uris.get(random.nextInt(uris.size()));
            default -> {
                int min = number(schema.get("minLength"), 1).intValue();
                int max = Math.min(number(schema.get("maxLength"), min + 12).intValue(), min + 12);
                yield PatternStrings.sample("^[a-z][a-z ]{" + Math.max(0, min - 1) + "," + Math.max(0, max - 1) + "}$", random);
            }
        };
    }

    private static long integer(Map<String, Object> schema, Random random) {
        long min = number(schema.get("minimum"), 0).longValue();
        long max = Math.min(number(schema.get("maximum"), min + 1000).longValue(), min + 100_000);
        return min + (long) (random.nextDouble() * (max - min + 1));
    }

    private static BigDecimal number(Map<String, Object> schema, Random random) {
        double min = number(schema.containsKey("exclusiveMinimum") ? schema.get("exclusiveMinimum") : schema.get("minimum"), 0).doubleValue();
        double max = number(schema.get("maximum"), min + 100).doubleValue();
        BigDecimal value = BigDecimal.valueOf(min + (max - min) * random.nextDouble()).setScale(2, java.math.RoundingMode.DOWN);
        return value.doubleValue() <= min && schema.containsKey("exclusiveMinimum") ? BigDecimal.valueOf(max) : value;
    }

    /** The schema with {@code allOf} parts merged into one: properties, and their schemas, unioned. */
    private Map<String, Object> merged(Map<String, Object> schema) {
        if (!(schema.get("allOf") instanceof List<?> parts)) {
            return schema;
        }
        Map<String, Object> merged = new LinkedHashMap<>(schema);
        merged.remove("allOf");
        Map<String, Object> properties = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        for (Object part : parts) {
            Map<String, Object> resolved = merged(document.resolve(map(part)));
            resolved.forEach((key, value) -> {
                if (!key.equals("properties") && !key.equals("required")) {
                    merged.putIfAbsent(key, value);
                }
            });
            map(resolved.get("properties")).forEach((name, property) -> {
                Map<String, Object> combined = new LinkedHashMap<>(document.resolve(map(properties.getOrDefault(name, Map.of()))));
                combined.putAll(map(property));
                properties.put(name, combined);
            });
            required.addAll(strings(resolved.get("required")));
        }
        merged.put("type", "object");
        merged.put("properties", properties);
        merged.put("required", new ArrayList<>(required));
        return merged;
    }

    private static String type(Map<String, Object> schema, Random random) {
        Object type = schema.get("type");
        if (type instanceof List<?> types) {
            List<?> notNull = types.stream().filter(t -> !"null".equals(t)).toList();
            return notNull.isEmpty() || random.nextInt(6) == 0 ? "null" : String.valueOf(notNull.get(random.nextInt(notNull.size())));
        }
        if (type == null) {
            return schema.containsKey("properties") ? "object" : "string";
        }
        return String.valueOf(type);
    }

    private static JsonNode plain(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Number number) {
            return NODES.numberNode(new BigDecimal(number.toString()));
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        return NODES.textNode(value.toString());
    }

    private static Number number(Object value, Number otherwise) {
        return value instanceof Number number ? number : otherwise;
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
