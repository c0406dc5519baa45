package dev.gatehouse.catalog.admin;

import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.TestSecrets;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.yaml.snakeyaml.Yaml;
import reactor.core.publisher.Mono;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI description against the routes {@link CatalogAdminApi} really registers: the router
 * itself is the source of truth, read both by visiting its routes and by calling them.
 */
class CatalogOpenApiTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final String documentText = resourceText(CatalogAdminApi.OPENAPI_RESOURCE);
    private final Map<String, Object> document = new Yaml().load(documentText);
    private CatalogAdminApi api;
    private WebTestClient client;

    @BeforeEach
    void apiOnFreshDatabase() {
        DataSource dataSource = TestPostgres.freshDatabase();
        TenantDatabase tenants = TenantDatabase.migrate(dataSource);
        CatalogRepository repository = CatalogRepository.migrate(dataSource, TestSecrets.inTemporaryKeystore());
        AdminAccess admin = new AdminAccess(BearerAuthenticator.apiKeysOnly(new ApiKeyAuthenticator(tenants.apiKeys(), Clock.systemUTC())), tenants);
        api = new CatalogAdminApi(repository, new CachedModelCatalog(repository), admin, tenants, BackendUrlPolicy.PUBLIC_ONLY, null, Clock.systemUTC());
        client = WebTestClient.bindToRouterFunction(api.routes())
                .handlerStrategies(HandlerStrategies.builder().exceptionHandler(new ProblemExceptionHandler(exchange -> null)).build())
                .build();
    }

    @Test
    void documentsExactlyTheMethodsAndPathsTheApiRegisters() {
        RegisteredRoutes registered = new RegisteredRoutes();
        api.routes().accept(registered);

        assertThat(documentedOperations()).isEqualTo(registered.operations);
    }

    @Test
    void everyDocumentedOperationIsServedAndRefusesCallersWithoutCredentials() {
        for (String operation : documentedOperations()) {
            if (isPublic(operation)) {
                continue;
            }
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "probe");
            client.method(HttpMethod.valueOf(method)).uri(path).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.error.code").isEqualTo("missing_credentials");
        }
    }

    @Test
    void methodsAndPathsTheDocumentLeavesOutAreNotFound() {
        List<String> undocumented = List.of("PUT /admin/v1/catalog/models/probe", "DELETE /admin/v1/catalog/models",
                "GET /admin/v1/catalog/models/probe/backends/bk-1", "PATCH /admin/v1/tenants/probe/subscriptions/probe",
                "POST /catalog/v1/models", "GET /catalog/v1/openapi.json");
        for (String operation : undocumented) {
            assertThat(documentedOperations()).doesNotContain(operation);
            String[] methodAndPath = operation.split(" ");
            client.method(HttpMethod.valueOf(methodAndPath[0])).uri(methodAndPath[1]).exchange()
                    .expectStatus().isNotFound();
        }
    }

    @Test
    void everyOperationThatNeedsCredentialsDocumentsTheAnswersWithoutThemAndWithoutTheRole() {
        for (String operation : documentedOperations()) {
            if (!isPublic(operation)) {
                assertThat(responses(operation).keySet()).as(operation).contains("401", "403");
            }
        }
    }

    @Test
    void everyErrorIsDocumentedAsAProblemJsonProblem() {
        for (String operation : documentedOperations()) {
            responses(operation).forEach((status, response) -> {
                if (status.startsWith("4")) {
                    Map<String, Object> content = map(map(resolve(response)).get("content"));
                    assertThat(content.keySet()).as(operation + " " + status).containsExactly("application/problem+json");
                    assertThat(map(map(content.get("application/problem+json")).get("schema")))
                            .as(operation + " " + status).containsEntry("$ref", "#/components/schemas/Problem");
                }
            });
        }
    }

    @Test
    void everyReferenceInTheDocumentPointsAtSomethingThatExists() {
        List<String> references = new ArrayList<>();
        collectReferences(document, references);

        assertThat(references).isNotEmpty().allSatisfy(reference -> assertThat(resolve(Map.of("$ref", reference))).as(reference).isNotNull());
    }

    @Test
    void servesTheDocumentAsYamlWithoutCredentials() {
        client.get().uri(CatalogAdminApi.OPENAPI_PATH).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("application/yaml"))
                .expectBody(String.class).isEqualTo(documentText);
        assertThat(document).containsEntry("openapi", "3.1.0");
    }

    /** Operations as "METHOD /path/{variable}", the way the router spells its patterns. */
    private Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        map(document.get("paths")).forEach((path, item) -> map(item).keySet().stream()
                .filter(HTTP_METHODS::contains)
                .forEach(method -> operations.add(method.toUpperCase() + " " + path)));
        return operations;
    }

    private Map<String, Object> operation(String methodAndPath) {
        String[] parts = methodAndPath.split(" ");
        return map(map(map(document.get("paths")).get(parts[1])).get(parts[0].toLowerCase()));
    }

    private Map<String, Object> responses(String methodAndPath) {
        return map(operation(methodAndPath).get("responses"));
    }

    /** An operation with {@code security: []} overrides the document's bearer requirement. */
    private boolean isPublic(String methodAndPath) {
        return List.of().equals(operation(methodAndPath).get("security"));
    }

    /** The object itself, or what its local {@code $ref} points at; null when the pointer leads nowhere. */
    private Object resolve(Object maybeReference) {
        Object reference = maybeReference instanceof Map<?, ?> object ? object.get("$ref") : null;
        if (reference == null) {
            return maybeReference;
        }
        Object target = document;
        for (String segment : reference.toString().substring("#/".length()).split("/")) {
            target = target instanceof Map<?, ?> object ? object.get(segment.replace("~1", "/").replace("~0", "~")) : null;
        }
        return target;
    }

    private static void collectReferences(Object node, List<String> references) {
        if (node instanceof Map<?, ?> object) {
            object.forEach((key, value) -> {
                if ("$ref".equals(key)) {
                    references.add(value.toString());
                } else {
                    collectReferences(value, references);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(entry -> collectReferences(entry, references));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static String resourceText(String name) {
        try (InputStream in = CatalogOpenApiTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Collects each route's method and path pattern. The catalog's routes are plain
     * method-and-path predicates; any other shape fails loudly so that this test learns it rather
     * than silently skipping a route.
     */
    private static final class RegisteredRoutes implements RouterFunctions.Visitor, RequestPredicates.Visitor {

        private final Set<String> operations = new TreeSet<>();
        private final Set<HttpMethod> methods = new HashSet<>();
        private String path;

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            methods.clear();
            path = null;
            predicate.accept(this);
            assertThat(methods).as("methods of " + predicate).isNotEmpty();
            assertThat(path).as("path of " + predicate).isNotNull();
            methods.forEach(method -> operations.add(method.name() + " " + path));
        }

        @Override
        public void method(Set<HttpMethod> predicateMethods) {
            methods.addAll(predicateMethods);
        }

        @Override
        public void path(String pattern) {
            assertThat(path).as("a second path in one route").isNull();
            path = pattern;
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            throw unexpected("nested routes");
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            throw unexpected("nested routes");
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
            throw unexpected("resource routes");
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
            throw unexpected("route attributes");
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw unexpected("a router function of unknown shape: " + routerFunction);
        }

        @Override
        public void pathExtension(String extension) {
            throw unexpected("path extension predicates");
        }

        @Override
        public void header(String name, String value) {
            throw unexpected("header predicates");
        }

        @Override
        public void queryParam(String name, String value) {
            throw unexpected("query parameter predicates");
        }

        @Override
        public void version(String version) {
            throw unexpected("API version predicates");
        }

        @Override
        public void startOr() {
            throw unexpected("alternative predicates");
        }

        @Override
        public void or() {
            throw unexpected("alternative predicates");
        }

        @Override
        public void endOr() {
            throw unexpected("alternative predicates");
        }

        @Override
        public void startNegate() {
            throw unexpected("negated predicates");
        }

        @Override
        public void endNegate() {
            throw unexpected("negated predicates");
        }

        @Override
        public void unknown(RequestPredicate predicate) {
            throw unexpected("a predicate of unknown shape: " + predicate);
        }

        private static AssertionError unexpected(String shape) {
            return new AssertionError("CatalogAdminApi now registers " + shape + "; teach CatalogOpenApiTest to read them");
        }
    }
}
