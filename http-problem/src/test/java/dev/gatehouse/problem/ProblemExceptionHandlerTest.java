package dev.gatehouse.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemExceptionHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProblemExceptionHandler handler = new ProblemExceptionHandler(exchange -> "req-1");

    @Test
    void rendersProblemWithOpenAiErrorObjectAndRequestId() throws Exception {
        MockServerWebExchange exchange = exchange();

        handler.handle(exchange, new ApiProblem(ProblemType.MODEL_NOT_FOUND, "The model 'x' does not exist.", "model")).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(ProblemJson.MEDIA_TYPE);
        assertThat(exchange.getResponse().getHeaders().getFirst("X-Request-Id")).isEqualTo("req-1");
        JsonNode body = JSON.readTree(exchange.getResponse().getBodyAsString().block());
        assertThat(body.get("type").asText()).isEqualTo("https://gatehouse.dev/problems/model-not-found");
        assertThat(body.get("status").asInt()).isEqualTo(404);
        assertThat(body.get("request_id").asText()).isEqualTo("req-1");
        assertThat(body.at("/error/message").asText()).isEqualTo("The model 'x' does not exist.");
        assertThat(body.at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(body.at("/error/param").asText()).isEqualTo("model");
    }

    @Test
    void aProblemThatSaysWhenToRetryCarriesRetryAfterInWholeSecondsRoundedUp() {
        MockServerWebExchange exchange = exchange();

        handler.handle(exchange, new ApiProblem(ProblemType.CAPACITY_EXHAUSTED, "Every backend is busy.")
                .retryAfter(Duration.ofMillis(1500)).with("model", "m")).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("2");
    }

    @Test
    void aProblemWithoutRetryAdviceHasNoRetryAfter() {
        MockServerWebExchange exchange = exchange();

        handler.handle(exchange, new ApiProblem(ProblemType.NO_HEALTHY_BACKEND, "No backend.")).block();

        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isNull();
    }

    @Test
    void hidesMessageOfUnexpectedExceptions() throws Exception {
        MockServerWebExchange exchange = exchange();

        handler.handle(exchange, new IllegalStateException("jdbc:postgresql://secret-host password=hunter2")).block();

        String body = exchange.getResponse().getBodyAsString().block();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(body).doesNotContain("hunter2").doesNotContain("secret-host").doesNotContain("Exception");
    }

    @Test
    void mapsUnreachableBackendTo502() {
        ApiProblem problem = ProblemExceptionHandler.describe(new RuntimeException(new ConnectException("refused")));

        assertThat(problem.type()).isEqualTo(ProblemType.BACKEND_UNAVAILABLE);
    }

    @Test
    void mapsAnUnreachableDatabaseTo503AlthoughItsRootCauseIsARefusedConnectionToo() {
        SQLException refused = new SQLException("Connection to localhost:5432 refused", "08001", new ConnectException("refused"));
        RuntimeException poolTimeout = new RuntimeException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("gatehouse - Connection is not available, request timed out after 2000ms", "08001", refused));

        assertThat(ProblemExceptionHandler.describe(poolTimeout).type()).isEqualTo(ProblemType.DATABASE_UNAVAILABLE);
        assertThat(ProblemExceptionHandler.describe(new RuntimeException(new SQLException("terminating connection due to administrator command", "57P01"))).type())
                .isEqualTo(ProblemType.DATABASE_UNAVAILABLE);
    }

    @Test
    void anSqlErrorOtherThanAConnectionFailureStaysAnInternalError() {
        ApiProblem problem = ProblemExceptionHandler.describe(new RuntimeException(new SQLException("syntax error at or near \"SELEC\"", "42601")));

        assertThat(problem.type()).isEqualTo(ProblemType.INTERNAL_ERROR);
    }

    @Test
    void mapsFrameworkNotFoundToProblem() {
        ApiProblem problem = ProblemExceptionHandler.describe(new ResponseStatusException(HttpStatus.NOT_FOUND));

        assertThat(problem.type()).isEqualTo(ProblemType.NOT_FOUND);
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models"));
    }
}
