package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** An answer expected to be an RFC 9457 problem with OpenAI's error object, as docs/errors.md promises. */
record ProblemAnswer(int status, String contentType, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ProblemAnswer of(HttpResponse<String> response) {
        return new ProblemAnswer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    JsonNode json() throws IOException {
        return JSON.readTree(body);
    }

    void assertIs(int expectedStatus, String code) throws IOException {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        assertThat(contentType).startsWith("application/problem+json");
        JsonNode json = json();
        assertThat(json.get("status").asInt()).isEqualTo(expectedStatus);
        assertThat(json.get("type").asText()).isEqualTo("https://gatehouse.dev/problems/" + code.replace('_', '-'));
        assertThat(json.at("/error/code").asText()).isEqualTo(code);
        assertThat(json.at("/error/message").asText()).isNotBlank();
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
