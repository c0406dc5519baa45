package dev.gatehouse.policy;

import com.contentgrid.opa.client.rest.OpaHttpClient;
import com.contentgrid.opa.client.rest.RestClientConfiguration.LogSpecification;
import com.contentgrid.opa.client.rest.client.jdk.DefaultOpaHttpClient;
import com.contentgrid.opa.client.rest.http.HttpStatusException;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.policy.DecisionCodec.EncodedInput;
import dev.gatehouse.policy.PolicyUnavailableException.Code;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Asks an OPA server (typically a sidecar serving the bundle from {@code scripts/build-policy.sh})
 * through its Data API: {@code POST /v1/data/gatehouse/decision?provenance=true}. The revision in
 * the decision is the one the server reports for the bundle it evaluated.
 *
 * <p>Thread-safe; calls share one JDK {@link HttpClient} and its connection pool.
 */
public final class RemotePolicyDecisionPoint implements PolicyDecisionPoint {

    private static final String DECISION_URL = "/v1/data/" + DecisionCodec.DECISION_PATH + "?provenance=true";

    private final OpaHttpClient opa;
    private final HttpClient http;
    private final URI health;
    private final Duration timeout;

    /**
     * @param opaUrl  base URL of the OPA server, e.g. {@code http://127.0.0.1:8181}
     * @param timeout how long a decision may take, connection included, before the call fails closed
     */
    public RemotePolicyDecisionPoint(URI opaUrl, Duration timeout) {
        Objects.requireNonNull(opaUrl, "opaUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.health = opaUrl.resolve("/health?bundles");
        DefaultOpaHttpClient client = new DefaultOpaHttpClient(http, DecisionCodec.MAPPER);
        // Request logging stays off: decision inputs describe tenants and their data.
        client.configure(configuration -> configuration.baseUrl(opaUrl.toString()).logging(LogSpecification::none));
        this.opa = client;
    }

    /**
     * Checks that the OPA server answers and has activated its bundles ({@code GET /health?bundles}:
     * 200 only then), so that it can decide; throws {@link PolicyUnavailableException} when it
     * cannot. Bounded by the decision timeout. For health checks.
     */
    public void checkAvailable() {
        HttpResponse<Void> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(health).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new PolicyUnavailableException(Code.POLICY_UNAVAILABLE,
                    "the OPA server cannot be reached (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyUnavailableException(Code.POLICY_UNAVAILABLE, "interrupted while waiting for the OPA server", e);
        }
        if (answer.statusCode() != 200) {
            throw new PolicyUnavailableException(Code.POLICY_UNAVAILABLE,
                    "the OPA server is not ready to decide (health HTTP status " + answer.statusCode() + ")");
        }
    }

    /** Body of a Data API query; the input is sent exactly as digested. */
    private record DataRequest(@JsonRawValue String input) {
    }

    @Override
    public PolicyDecision decide(PolicyInput input) {
        EncodedInput encoded = DecisionCodec.encode(input);
        JsonNode response = await(opa.post(DECISION_URL, new DataRequest(encoded.json()), JsonNode.class));
        return DecisionCodec.decode(response.get("result"), revisionIn(response), encoded.digest());
    }

    private JsonNode await(CompletableFuture<JsonNode> response) {
        try {
            JsonNode body = response.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (body == null) {
                throw new PolicyUnavailableException(Code.POLICY_RESULT_INVALID, "the OPA server answered with an empty body");
            }
            return body;
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new PolicyUnavailableException(Code.POLICY_TIMEOUT, "the OPA server did not decide within " + timeout, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyUnavailableException(Code.POLICY_UNAVAILABLE, "interrupted while waiting for the OPA server", e);
        }
    }

    private static PolicyUnavailableException failure(Throwable cause) {
        if (cause instanceof HttpStatusException status) {
            return new PolicyUnavailableException(Code.POLICY_UNAVAILABLE,
                    "the OPA server answered with HTTP status " + status.statusCode(), cause);
        }
        if (cause instanceof JsonProcessingException || cause.getCause() instanceof JsonProcessingException) {
            return new PolicyUnavailableException(Code.POLICY_RESULT_INVALID, "the OPA server answered with invalid JSON", cause);
        }
        return new PolicyUnavailableException(Code.POLICY_UNAVAILABLE,
                "the OPA server cannot be reached (" + cause.getClass().getSimpleName() + ")", cause);
    }

    /** One bundle: its revision; several: {@code name=revision} pairs, sorted, comma-separated. */
    private static String revisionIn(JsonNode response) {
        Map<String, String> revisions = new TreeMap<>();
        response.path("provenance").path("bundles").fields()
                .forEachRemaining(bundle -> revisions.put(bundle.getKey(), bundle.getValue().path("revision").asText("")));
        revisions.values().removeIf(String::isEmpty);
        if (revisions.isEmpty()) {
            throw new PolicyUnavailableException(Code.POLICY_RESULT_INVALID,
                    "the OPA server reports no bundle revision; serve the policy as a bundle built with a revision");
        }
        if (revisions.size() == 1) {
            return revisions.values().iterator().next();
        }
        return revisions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
