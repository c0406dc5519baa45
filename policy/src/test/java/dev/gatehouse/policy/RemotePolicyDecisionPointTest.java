package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.policy.PolicyUnavailableException.Code;
import dev.gatehouse.testing.OpaServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RemotePolicyDecisionPointTest extends PolicyDecisionPointContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String VALID_DECISION = """
            {"allow": true, "reasons": [], "purpose": "support",
             "obligations": {"route_regions": ["eu-west"], "redact": [], "log_content": false, "retention_days": 0}}""";

    private static OpaServer opa;
    private static RemotePolicyDecisionPoint remote;
    private static WasmPolicyDecisionPoint wasm;

    @BeforeAll
    static void startOpaServer() throws Exception {
        opa = OpaServer.start(PolicyBuild.moduleDir().resolve("scripts/opa.sh"), PolicyBuild.regoBundle());
        remote = new RemotePolicyDecisionPoint(opa.url(), TIMEOUT);
        wasm = WasmPolicyDecisionPoint.bundled(1);
    }

    @AfterAll
    static void stopOpaServer() throws InterruptedException {
        opa.close();
    }

    @Override
    PolicyDecisionPoint decisionPoint() {
        return remote;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decidesExactlyAsTheWasmDecisionPoint(DecisionVector vector) {
        assertThat(remote.decide(vector.input())).isEqualTo(wasm.decide(vector.input()));
    }

    @Test
    void failsClosedWhenTheServerIsDown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RemotePolicyDecisionPoint down = new RemotePolicyDecisionPoint(URI.create("http://127.0.0.1:" + closedPort), TIMEOUT);

        assertFailsWith(down, Code.POLICY_UNAVAILABLE);
    }

    @Test
    void isAvailableWhileTheServerServesItsBundleAndNotOnceItIsDown() throws IOException {
        remote.checkAvailable();

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RemotePolicyDecisionPoint down = new RemotePolicyDecisionPoint(URI.create("http://127.0.0.1:" + closedPort), TIMEOUT);
        assertThatThrownBy(down::checkAvailable)
                .isInstanceOfSatisfying(PolicyUnavailableException.class, e -> assertThat(e.code()).isEqualTo(Code.POLICY_UNAVAILABLE));
    }

    @Test
    void isNotAvailableWhileTheServerHasNotActivatedItsBundle() throws IOException {
        HttpServer server = fakeOpa(500, "{\"error\": \"not all bundles activated\"}");
        try {
            assertThatThrownBy(new RemotePolicyDecisionPoint(urlOf(server), TIMEOUT)::checkAvailable)
                    .isInstanceOf(PolicyUnavailableException.class)
                    .hasMessageContaining("500");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void failsClosedWhenTheServerDoesNotAnswerInTime() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RemotePolicyDecisionPoint slow = new RemotePolicyDecisionPoint(
                    URI.create("http://127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300));

            assertFailsWith(slow, Code.POLICY_TIMEOUT);
        }
    }

    @Test
    void failsClosedOnAnHttpError() throws IOException {
        assertFailsAgainst(500, "{\"code\": \"internal_error\"}", Code.POLICY_UNAVAILABLE);
    }

    @Test
    void failsClosedWhenThePolicyDefinesNoDecision() throws IOException {
        assertFailsAgainst(200, "{}", Code.POLICY_RESULT_INVALID);
    }

    @Test
    void failsClosedOnAMalformedDecision() throws IOException {
        assertFailsAgainst(200, "{\"result\": {\"allow\": \"yes\"}, " + provenance() + "}", Code.POLICY_RESULT_INVALID);
    }

    @Test
    void failsClosedOnADecisionThatAllowsDespiteReasons() throws IOException {
        String contradictory = VALID_DECISION.replace("\"reasons\": []", "\"reasons\": [{\"code\": \"MODEL_NOT_SUBSCRIBED\", \"detail\": \"x\"}]");
        assertFailsAgainst(200, "{\"result\": " + contradictory + ", " + provenance() + "}", Code.POLICY_RESULT_INVALID);
    }

    @Test
    void failsClosedOnInvalidJson() throws IOException {
        assertFailsAgainst(200, "{\"result\": ", Code.POLICY_RESULT_INVALID);
    }

    @Test
    void failsClosedWhenTheServerReportsNoBundleRevision() throws IOException {
        assertFailsAgainst(200, "{\"result\": " + VALID_DECISION + "}", Code.POLICY_RESULT_INVALID);
    }

    @Test
    void acceptsAWellFormedDecisionFromAnyServer() throws IOException {
        HttpServer server = fakeOpa(200, "{\"result\": " + VALID_DECISION + ", " + provenance() + "}");
        try {
            PolicyDecision decision = new RemotePolicyDecisionPoint(urlOf(server), TIMEOUT).decide(vectors().get(0).input());

            assertThat(decision.allow()).isTrue();
            assertThat(decision.revision()).isEqualTo("r42");
        } finally {
            server.stop(0);
        }
    }

    private static String provenance() {
        return "\"provenance\": {\"bundles\": {\"gatehouse\": {\"revision\": \"r42\"}}}";
    }

    private static void assertFailsAgainst(int status, String body, Code expected) throws IOException {
        HttpServer server = fakeOpa(status, body);
        try {
            assertFailsWith(new RemotePolicyDecisionPoint(urlOf(server), TIMEOUT), expected);
        } finally {
            server.stop(0);
        }
    }

    private static void assertFailsWith(PolicyDecisionPoint decisionPoint, Code expected) {
        assertThatThrownBy(() -> decisionPoint.decide(vectors().get(0).input()))
                .isInstanceOfSatisfying(PolicyUnavailableException.class, e -> assertThat(e.code()).isEqualTo(expected));
    }

    private static HttpServer fakeOpa(int status, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    private static URI urlOf(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }
}
