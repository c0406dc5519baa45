package dev.gatehouse.problem;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentNegotiationTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "*/*", "application/*", "application/json", "application/json;q=0.5, text/html",
            "text/html, */*;q=0.1", "application/json;charset=utf-8"})
    void acceptsHeadersThatAllowJson(String accept) {
        assertThatCode(() -> ContentNegotiation.requireAcceptable(headers(HttpHeaders.ACCEPT, accept), MediaType.APPLICATION_JSON))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/*", "application/problem+json", "*/*, application/json;q=0",
            "application/*;q=0.9, application/json;q=0", "application/", ";;;", "application/json;q=x"})
    void refusesHeadersThatExcludeJsonOrCannotBeRead(String accept) {
        assertThatThrownBy(() -> ContentNegotiation.requireAcceptable(headers(HttpHeaders.ACCEPT, accept), MediaType.APPLICATION_JSON))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.type())
                        .isEqualTo(ProblemType.NOT_ACCEPTABLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json, text/plain", "application/", ";;;", "application/json;charset=\"", "text/plain"})
    void refusesBodiesNotDeclaredAsJson(String contentType) {
        assertThatThrownBy(() -> ContentNegotiation.requireJsonBody(headers(HttpHeaders.CONTENT_TYPE, contentType)))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.type())
                        .isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE));
    }

    private static HttpHeaders headers(String name, String value) {
        HttpHeaders headers = new HttpHeaders();
        if (!value.isEmpty()) {
            headers.set(name, value);
        }
        return headers;
    }
}
