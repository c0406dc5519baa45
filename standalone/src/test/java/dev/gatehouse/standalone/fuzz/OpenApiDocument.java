package dev.gatehouse.standalone.fuzz;

import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The operations an OpenAPI 3.1 document describes, with every {@code $ref} to its own components resolved. */
final class OpenApiDocument {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

    private final Map<String, Object> root;

    private OpenApiDocument(Map<String, Object> root) {
        this.root = root;
    }

    static OpenApiDocument parse(String yaml) {
        return new OpenApiDocument(new Yaml().load(yaml));
    }

    record Parameter(String name, String in, Map<String, Object> schema) {
    }

    /**
     * One method on one path; {@code bodySchema} is null for an operation that takes no body;
     * {@code statuses} are the answers the document lists for it.
     */
    record Operation(String method, String path, List<Parameter> parameters, Map<String, Object> bodySchema, Set<Integer> statuses) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        map(root.get("paths")).forEach((path, item) -> {
            Map<String, Object> pathItem = map(item);
            List<Parameter> shared = parameters(pathItem.get("parameters"));
            pathItem.forEach((method, body) -> {
                if (METHODS.contains(method)) {
                    Map<String, Object> operation = map(body);
                    List<Parameter> parameters = new ArrayList<>(shared);
                    parameters.addAll(parameters(operation.get("parameters")));
                    operations.add(new Operation(method.toUpperCase(java.util.Locale.ROOT), path, parameters, bodySchema(operation),
                            statuses(operation)));
                }
            });
        });
        return operations;
    }

    /** The schema with its {@code $ref} followed, or the schema itself. */
    Map<String, Object> resolve(Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        if (!(ref instanceof String pointer)) {
            return schema;
        }
        Object target = root;
        for (String segment : pointer.substring(2).split("/")) {
            target = map(target).get(segment);
        }
        Map<String, Object> resolved = new LinkedHashMap<>(resolve(map(target)));
        schema.forEach((key, value) -> {
            if (!key.equals("$ref")) {
                resolved.put(key, value);
            }
        });
        return resolved;
    }

    private List<Parameter> parameters(Object list) {
        List<Parameter> parameters = new ArrayList<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                Map<String, Object> parameter = resolve(map(item));
                parameters.add(new Parameter((String) parameter.get("name"), (String) parameter.get("in"), map(parameter.get("schema"))));
            }
        }
        return parameters;
    }

    private static Set<Integer> statuses(Map<String, Object> operation) {
        Set<Integer> statuses = new TreeSet<>();
        map(operation.get("responses")).keySet().forEach(status -> statuses.add(Integer.valueOf(status)));
        return statuses;
    }

    private Map<String, Object> bodySchema(Map<String, Object> operation) {
        Object body = operation.get("requestBody");
        if (body == null) {
            return null;
        }
        Map<String, Object> json = map(map(resolve(map(body)).get("content")).get("application/json"));
        return map(json.get("schema"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
