package dev.gatehouse.tenant.admin;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI description lists the problems every operation that needs credentials can answer, not only its successes. */
class OpenApiDescriptionTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void everyOperationDocumentsTheProblemsItCanAnswer() throws IOException {
        List<String> operations = new ArrayList<>();
        paths().forEach((path, item) -> item.forEach((method, operation) -> {
            if (!METHODS.contains(method) || List.of().equals(((Map<?, ?>) operation).get("security"))) {
                return;
            }
            List<Object> responses = List.copyOf(((Map<?, ?>) ((Map<?, ?>) operation).get("responses")).keySet());
            String name = method.toUpperCase() + " " + path;
            operations.add(name);
            assertThat(responses).as(name).contains("401", "403", "503");
            if (path.contains("{slug}")) {
                assertThat(responses).as(name + " names a tenant").contains("404");
            }
            if (((Map<?, ?>) operation).containsKey("requestBody")) {
                assertThat(responses).as(name + " reads a body").contains("400", "415");
            }
        }));
        assertThat(operations).hasSizeGreaterThan(15);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> paths() throws IOException {
        try (InputStream yaml = OpenApiDescriptionTest.class.getResourceAsStream("/openapi/tenant-admin.yaml")) {
            Map<String, Object> document = new Yaml().load(yaml);
            return (Map<String, Map<String, Object>>) document.get("paths");
        }
    }
}
