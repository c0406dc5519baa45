package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin APIs of the assembled marketplace answer hostile input with a precise problem that
 * names the request (request_id and X-Request-Id, the caller's own when well formed), never a 500.
 */
@MarketplaceTest
class AdminErrorResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private String admin;

    @BeforeEach
    void platformAdmin() {
        admin = TestKeys.platformAdminKey(context);
    }

    @Test
    void aNulByteInTheListCursorIs400NamingItNotADatabaseError() throws Exception {
        HttpResponse<String> response = get("/admin/v1/tenants?after=%00", null);

        JsonNode problem = assertProblem(response, 400, "invalid_request");
        assertThat(problem.at("/error/param").asText()).isEqualTo("after");
    }

    @Test
    void pathSegmentsThatCannotNameAResourceAre404() throws Exception {
        assertProblem(get("/admin/v1/tenants/%00", null), 404, "not_found");
        assertProblem(get("/admin/v1/tenants/default/api-keys/k%00'%20OR%201=1", null), 404, "not_found");
        assertProblem(get("/admin/v1/tenants/default/compliance%00", null), 404, "not_found");
    }

    @Test
    void adminProblemsCarryAGeneratedRequestIdInTheBodyAndTheHeader() throws Exception {
        HttpResponse<String> response = get("/admin/v1/tenants/no-such-tenant", null);

        JsonNode problem = assertProblem(response, 404, "not_found");
        String header = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(header).matches("[0-9a-f-]{36}");
        assertThat(problem.get("request_id").asText()).isEqualTo(header);
    }

    @Test
    void adminAnswersKeepTheCallersWellFormedRequestIdAndReplaceAHostileOne() throws Exception {
        HttpResponse<String> problem = get("/admin/v1/tenants?limit=0", "ops-ticket-4711");
        HttpResponse<String> success = get("/admin/v1/tenants", "ops-ticket-4712");
        HttpResponse<String> hostile = get("/admin/v1/tenants?limit=0", "<script>alert(1)</script>");

        assertThat(assertProblem(problem, 400, "invalid_request").get("request_id").asText()).isEqualTo("ops-ticket-4711");
        assertThat(problem.headers().firstValue("X-Request-Id")).contains("ops-ticket-4711");
        assertThat(success.statusCode()).isEqualTo(200);
        assertThat(success.headers().firstValue("X-Request-Id")).contains("ops-ticket-4712");
        assertThat(assertProblem(hostile, 400, "invalid_request").get("request_id").asText()).doesNotContain("<");
    }

    private HttpResponse<String> get(String path, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + admin);
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.at("/error/code").asText()).isEqualTo(code);
        assertThat(problem.get("request_id").asText()).isNotBlank();
        return problem;
    }
}
