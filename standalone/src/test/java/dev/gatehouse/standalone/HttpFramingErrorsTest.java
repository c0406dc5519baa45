package dev.gatehouse.standalone;

import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that are not well-formed HTTP/1.1 are refused by the HTTP decoder before Spring sees
 * them; they get problems like every other error (decision 0400), and the connection is closed,
 * since nothing after a framing error can be trusted to start a request.
 */
@MarketplaceTest
class HttpFramingErrorsTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private IssuedApiKey key;

    @BeforeEach
    void developerKey() {
        key = TestKeys.developerKey(context, "framing-tests", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Injected: a\rb\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Injected: a\nb\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Injected: a\r\n: b\r\n\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Injected: a\u0000b\r\n\r\n",
            "GET /admin/v1/tenants HTTP/1.1\r\nHost: x\r\nX Injected: a\r\n\r\n",
            "G(T /v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"})
    void malformedRequestIs400ProblemAndClosesTheConnection(String request) throws Exception {
        assertAnsweredWith(request, 400, "malformed_http");
    }

    @Test
    void badChunkInTheBodyOfAnAcceptedRequestIs400Problem() throws Exception {
        assertAnsweredWith("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.token()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, "malformed_http");
    }

    @Test
    void headersOverEightKibibytesAre431Problem() throws Exception {
        assertAnsweredWith("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(9000) + "\r\n\r\n", 431, "headers_too_large");
    }

    @Test
    void requestLineOverFourKibibytesIs414Problem() throws Exception {
        assertAnsweredWith("GET /v1/models?" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long");
    }

    private void assertAnsweredWith(String request, int status, String code) throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(port, Duration.ofSeconds(5))) {
            connection.send(request);
            RawHttpConnection.Response response = connection.read();

            response.asProblem().assertIs(status, code);
            assertThat(response.headers().get("Connection")).isEqualToIgnoringCase("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }
}
