package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Sends a fuzz target's requests one at a time and holds each answer to the {@link AnswerContract}
 * within a time limit (an answer that does not arrive in time is a hang). Keeps the figures of the
 * run and every failing input, in corpus form, under {@code target/fuzz-failures/<target>}.
 */
final class Fuzzer {

    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Statuses Reactor Netty answers by itself, from its HTTP codec, when a request line or header
     * section is too long: no Gatehouse code takes part but the problem body's rewrite.
     */
    private static final Set<Integer> CODEC_REFUSALS = Set.of(414, 431);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String target;
    private final URI base;
    private final AnswerContract contract;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final long startedNanos = System.nanoTime();
    private final Map<String, Integer> requestsPerOperation = new LinkedHashMap<>();
    private final Map<String, Failure> failures = new LinkedHashMap<>();
    private int requests;
    private int serverErrors;
    private int hangs;
    private int keptAliveStalls;
    private FuzzRequest previous;
    private int violations;
    private int replayed;
    private int unsendable;

    /** A failing input and how it was answered. */
    record Failure(FuzzRequest request, String answer) {
        @Override
        public String toString() {
            return request + ": " + answer;
        }
    }

    Fuzzer(String target, URI base, AnswerContract contract) {
        this.target = target;
        this.base = base;
        this.contract = contract;
    }

    /**
     * Sends the request with the credential's token (null: no Authorization header); a failure is
     * kept with the fixtures' values replaced by their placeholders.
     */
    void send(String operation, FuzzRequest request, String token, Map<String, String> fixtures) {
        requestsPerOperation.merge(operation, 1, Integer::sum);
        judge(request, token, fixtures, null);
    }

    /** Like {@link #send}, for an operation whose document lists its answers: a status it does not list breaks the contract. */
    void send(OpenApiDocument.Operation operation, FuzzRequest request, String token, Map<String, String> fixtures) {
        requestsPerOperation.merge(operation.toString(), 1, Integer::sum);
        judge(request, token, fixtures, operation);
    }

    /** Sends an input of the corpus, like {@link #send} but for no operation of this run. */
    void replay(FuzzRequest request, String token, Map<String, String> fixtures) {
        replayed++;
        judge(request, token, fixtures, null);
    }

    private void judge(FuzzRequest request, String token, Map<String, String> fixtures, OpenApiDocument.Operation documented) {
        requests++;
        String violation;
        try {
            HttpResponse<byte[]> response = exchange(http, request, token);
            serverErrors += response.statusCode() >= 500 ? 1 : 0;
            violation = contract.violation(response);
            if (violation == null && documented != null && !documented.statuses().contains(response.statusCode())) {
                violation = "answered " + response.statusCode() + ", which the OpenAPI document does not list for " + documented
                        + " (it lists " + documented.statuses() + "): " + AnswerContract.excerpt(response.body());
            }
        } catch (TimeoutException e) {
            violation = judgeStall(request, token);
        } catch (IOException e) {
            violation = "no answer: " + e;
        } catch (IllegalArgumentException e) {
            violation = null;
            requests--;
            unsendable++;
        }
        previous = request;
        if (violation != null) {
            violations++;
            FuzzRequest kept = request.withPlaceholders(fixtures);
            failures.putIfAbsent(kept.toJson().toString(), new Failure(kept, violation));
        }
    }

    /**
     * A request unanswered on a kept-alive connection is sent again on a new one, which tells a server
     * that cannot answer it at all from one that stalled on the connection. A stall whose request
     * Reactor Netty's codec refuses by itself ({@link #CODEC_REFUSALS}) is Reactor Netty's keep-alive
     * read stall after a queued request completes synchronously (reactor-netty issue 4361, open in
     * 1.3.7, the newest served here): it is counted and shown, not held against Gatehouse, as long as
     * the new connection's answer keeps the contract. Any other stall is a hang.
     */
    private String judgeStall(FuzzRequest request, String token) {
        String stalled = "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s on a kept-alive connection (the request before it: "
                + (previous == null ? "none" : abbreviated(previous.toString())) + "); ";
        try {
            HttpResponse<byte[]> response = exchange(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), request, token);
            String violation = contract.violation(response);
            if (violation == null && CODEC_REFUSALS.contains(response.statusCode())) {
                keptAliveStalls++;
                return null;
            }
            hangs++;
            return stalled + "sent again on a new connection, answered " + response.statusCode() + (violation == null ? "" : ": " + violation);
        } catch (TimeoutException e) {
            hangs++;
            return stalled + "no answer on a new connection either";
        } catch (IOException e) {
            hangs++;
            return stalled + "sent again on a new connection: " + e;
        }
    }

    /** Whether the run has had its time; a hang costs a time limit, so a run with many stops short of its requests. */
    boolean exhausted(Duration budget) {
        return System.nanoTime() - startedNanos > budget.toNanos();
    }

    /** Headers {@link HttpClient} refuses to send (line breaks, restricted names) throw IllegalArgumentException: not a request. */
    private HttpResponse<byte[]> exchange(HttpClient http, FuzzRequest request, String token) throws IOException, TimeoutException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.path()))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        boolean explicitAuthorization = false;
        for (FuzzRequest.Header header : request.headers()) {
            builder.header(header.name(), header.value());
            explicitAuthorization |= header.name().equalsIgnoreCase("Authorization");
        }
        if (token != null && !explicitAuthorization) {
            builder.header("Authorization", "Bearer " + token);
        }
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        try {
            return answer.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            answer.cancel(true);
        }
    }

    List<Failure> failures() {
        return new ArrayList<>(failures.values());
    }

    String figures() {
        return String.format("%s: %d requests (%d of them replayed from the corpus) over %d operations in %.1f s (%d the client would not send); "
                        + "%d answered 5xx, %d hangs, %d codec refusals answered only on a new connection (Reactor Netty's kept-alive stall), "
                        + "%d broke the contract, %d distinct failing inputs",
                target, requests, replayed, requestsPerOperation.size(), (System.nanoTime() - startedNanos) / 1e9, unsendable, serverErrors, hangs,
                keptAliveStalls, violations, failures.size());
    }

    /** The figures and the first failing inputs, short enough to read in a test report. */
    String summary() {
        StringBuilder summary = new StringBuilder(figures()).append("; all of them in target/fuzz-failures/").append(target).append(':');
        failures.values().stream().limit(30).forEach(failure -> summary.append("\n  ").append(abbreviated(failure.toString())));
        return summary.toString();
    }

    private static String abbreviated(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }

    /** This run's failing inputs as corpus files, named by their content, for copying into src/test/resources/fuzz-corpus. */
    void keepFailures() {
        Path directory = Path.of("target", "fuzz-failures", target);
        try {
            Files.createDirectories(directory);
            try (Stream<Path> earlier = Files.list(directory)) {
                for (Path file : earlier.toList()) {
                    Files.delete(file);
                }
            }
            for (Failure failure : failures.values()) {
                ObjectNode json = failure.request().toJson().put("answered", failure.answer());
                String text = JSON.writeValueAsString(failure.request().toJson());
                Files.writeString(directory.resolve(digest(text) + ".json"), JSON.writeValueAsString(json));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target's corpus: inputs that failed once, replayed before anything new is tried. */
    static List<FuzzRequest> corpus(String target) {
        Path directory = Path.of("src", "test", "resources", "fuzz-corpus", target);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<FuzzRequest> corpus = new ArrayList<>();
            for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
                corpus.add(FuzzRequest.fromJson(new ObjectMapper().readTree(file.toFile())));
            }
            return corpus;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Set<String> operations() {
        return new LinkedHashSet<>(requestsPerOperation.keySet());
    }
}
