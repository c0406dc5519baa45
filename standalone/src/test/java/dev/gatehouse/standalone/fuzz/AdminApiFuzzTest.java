package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.backends.BuiltinBackendServer;
import dev.gatehouse.standalone.TestKeys;
import dev.gatehouse.standalone.fuzz.HostileBodies.Body;
import dev.gatehouse.standalone.fuzz.OpenApiDocument.Operation;
import dev.gatehouse.standalone.fuzz.OpenApiDocument.Parameter;
import dev.gatehouse.testing.RandomJson;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The tenant administration and marketplace APIs, fuzzed from the OpenAPI documents they serve:
 * every operation gets requests built from its schemas, mostly made hostile (bodies, path segments,
 * query values, headers), under every kind of credential. Every answer is a 2xx or a documented
 * 4xx problem, none is a 5xx, none hangs, and afterwards the gateway still serves a valid call.
 * Every path and query parameter also gets one otherwise valid request with a NUL in it.
 * Bounded and reproducible: a fixed number of requests per operation from a seed per operation
 * (on a slow machine the time budget trims them, down to six an operation, never an operation),
 * the corpus of inputs that failed once replayed first. An operation starts from fixtures made
 * anew unless the one before was a GET, which changes nothing.
 */
@FuzzedMarketplace
class AdminApiFuzzTest {

    private static final String TARGET = "admin-api";
    private static final long SEED = 20_250_101L;
    private static final int REQUESTS_PER_OPERATION = 40;
    /** What every operation gets however slow the machine: the budget trims the rest, never an operation. */
    private static final int MIN_REQUESTS_PER_OPERATION = 6;
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final List<String> DOCUMENTS = List.of("/admin/v1/openapi.yaml", "/catalog/v1/openapi.yaml");
    /** Weighted toward callers that may do something, so that requests get past authorisation. */
    private static final List<String> CREDENTIALS = List.of(
            "platform-admin", "platform-admin", "platform-admin", "tenant-admin", "tenant-admin", "other-tenant-admin", "developer", "none", "invalid");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    BuiltinBackendServer builtinBackends;

    @Test
    void answersEveryRequestWithA2xxOrADocumentedProblemWithinTheTimeLimitAndStaysHealthy() throws Exception {
        String platformAdmin = TestKeys.platformAdminKey(context);
        Fuzzer fuzzer = new Fuzzer(TARGET, base(), AnswerContract.ofAdminApis());

        AdminWorld replayed = AdminWorld.create(base(), platformAdmin, "fuzz-corpus", builtinBackends.chatBaseUrl());
        for (FuzzRequest request : Fuzzer.corpus(TARGET)) {
            fuzzer.replay(request.resolved(replayed.fixtures()), replayed.token(request.credential()), replayed.fixtures());
        }

        List<Operation> operations = new ArrayList<>();
        AdminWorld world = null;
        boolean worldUntouched = false;
        for (String document : DOCUMENTS) {
            OpenApiDocument openApi = OpenApiDocument.parse(get(document, null).body());
            SchemaSamples samples = new SchemaSamples(openApi, backendUrls());
            for (Operation operation : openApi.operations()) {
                operations.add(operation);
                if (!worldUntouched) {
                    world = AdminWorld.create(base(), platformAdmin, "fuzz-" + operations.size(), builtinBackends.chatBaseUrl());
                }
                worldUntouched = operation.method().equals("GET");
                Random random = new Random(SEED ^ operation.toString().hashCode());
                for (int n = 0; n < REQUESTS_PER_OPERATION && (n < MIN_REQUESTS_PER_OPERATION || !fuzzer.exhausted(BUDGET)); n++) {
                    FuzzRequest request = request(operation, samples, world, random);
                    fuzzer.send(operation, request, world.token(request.credential()), world.fixtures());
                }
                for (Parameter parameter : operation.parameters()) {
                    FuzzRequest request = withNulIn(parameter, operation, samples, world, random);
                    fuzzer.send(operation, request, world.token(request.credential()), world.fixtures());
                }
            }
        }
        fuzzer.keepFailures();
        System.out.println("Fuzz figures, " + fuzzer.figures());

        int modelsAfterTheRun = get("/v1/models", TestKeys.developerKey(context, "fuzz-admin-health", null).token()).statusCode();
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(fuzzer.operations()).as("operations fuzzed").hasSize(operations.size());
            softly.assertThat(fuzzer.failures()).withFailMessage(fuzzer.summary()).isEmpty();
            softly.assertThat(modelsAfterTheRun).as("GET /v1/models after the run").isEqualTo(200);
        });
    }

    private static FuzzRequest request(Operation operation, SchemaSamples samples, AdminWorld world, Random random) {
        List<String> mutations = new ArrayList<>();
        String path = operation.path();
        StringBuilder query = new StringBuilder();
        for (Parameter parameter : operation.parameters()) {
            if (parameter.in().equals("path")) {
                path = path.replace("{" + parameter.name() + "}", pathValue(operation, parameter, samples, world, random, mutations));
            } else if (parameter.in().equals("query") && random.nextBoolean()) {
                boolean hostile = random.nextInt(5) < 2;
                String value = hostile ? HostileHttp.queryValue(random) : HostileHttp.encoded(samples.sample(parameter.schema(), random).asText());
                query.append(query.isEmpty() ? "?" : "&").append(parameter.name()).append('=').append(value);
                if (hostile) {
                    mutations.add("query " + parameter.name() + "=" + abbreviated(value));
                }
            }
        }
        if (random.nextInt(10) == 0) {
            String name = random.nextBoolean() ? "zz_unknown" : operation.parameters().isEmpty() ? "limit" : operation.parameters().get(0).name();
            query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(HostileHttp.queryValue(random));
            mutations.add("query parameter " + name + " added");
        }

        Body body = body(operation, samples, random, true);
        mutations.add(body.mutation());
        FuzzRequest request = new FuzzRequest(String.join("; ", mutations), operation.method(), path + query, List.of(), body.bytes(),
                HostileHttp.pick(CREDENTIALS, random));
        return HostileHttp.withHostileHeaders(request, body.bytes().length > 0, random);
    }

    /**
     * A valid request of the platform admin but for one parameter, which is a NUL: the one
     * character PostgreSQL refuses in text, so the answer tells whether the value was checked
     * before it reached the database.
     */
    private static FuzzRequest withNulIn(Parameter nul, Operation operation, SchemaSamples samples, AdminWorld world, Random random) {
        String path = operation.path();
        String query = "";
        for (Parameter parameter : operation.parameters()) {
            if (parameter == nul && parameter.in().equals("query")) {
                query = "?" + parameter.name() + "=%00";
            } else if (parameter.in().equals("path")) {
                List<String> known = known(operation, parameter, world);
                String value = parameter == nul ? "%00" : known.isEmpty() ? HostileHttp.encoded(samples.sample(parameter.schema(), random).asText()) : known.get(0);
                path = path.replace("{" + parameter.name() + "}", value);
            }
        }
        Body body = body(operation, samples, random, false);
        FuzzRequest request = new FuzzRequest("NUL in " + nul.in() + " parameter " + nul.name(), operation.method(), path + query, List.of(),
                body.bytes(), "platform-admin");
        return body.bytes().length > 0 ? request.withHeader("Content-Type", "application/json") : request;
    }

    /** The values of the world's own resources that a path parameter names. */
    private static List<String> known(Operation operation, Parameter parameter, AdminWorld world) {
        Map<String, String> fixtures = world.fixtures();
        return switch (parameter.name()) {
            case "slug" -> List.of(fixtures.get("target"), fixtures.get("other"), "default");
            case "tenant" -> List.of(fixtures.get("other"), fixtures.get("target"));
            case "keyId" -> List.of(fixtures.get("victim-key"), fixtures.get("other-key"));
            case "model" -> operation.method().equals("GET") ? List.of(fixtures.get("model"), "chat-simulator") : List.of(fixtures.get("model"));
            case "backend" -> List.of(fixtures.get("backend"));
            default -> List.of();
        };
    }

    private static String pathValue(Operation operation, Parameter parameter, SchemaSamples samples, AdminWorld world, Random random,
                                    List<String> mutations) {
        List<String> known = known(operation, parameter, world);
        int dice = random.nextInt(20);
        if (dice < 13 && !known.isEmpty()) {
            return HostileHttp.pick(known, random);
        }
        String value = dice < 15 ? HostileHttp.encoded(samples.sample(parameter.schema(), random).asText()) : HostileHttp.pathSegment(random);
        mutations.add("path " + parameter.name() + "=" + abbreviated(value));
        return value;
    }

    private static Body body(Operation operation, SchemaSamples samples, Random random, boolean hostile) {
        if (operation.bodySchema() == null) {
            return hostile && random.nextInt(8) == 0 ? HostileBodies.mutated(RandomJson.object(random, 2), random) : new Body("no body", new byte[0]);
        }
        JsonNode sample = samples.sample(operation.bodySchema(), random);
        ObjectNode valid = sample instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        return hostile && random.nextInt(10) >= 3 ? HostileBodies.mutated(valid, random) : HostileBodies.valid(valid, random);
    }

    /** Loopback only, like every address a test here may send to; the guard's refusal of other hosts is tested elsewhere. */
    private List<String> backendUrls() {
        String builtin = builtinBackends.chatBaseUrl().toString();
        return List.of(builtin, builtin, "http://127.0.0.1:1/v1", "http://[::1]:1/v1", "https://127.0.0.1:1/v1", "http://localhost:1/v1",
                "ftp://127.0.0.1/v1", "http://user:secret@127.0.0.1:1/v1", "http://127.0.0.1:1/v1?x=1#f");
    }

    private static String abbreviated(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "...(" + value.length() + ")" : value;
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }
}
