package dev.gatehouse.scanner.remote;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The JDK's HTTP client as the transport, for the module's tests (the gateway brings its own). */
final class JavaHttpTransport implements InferenceTransport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public CompletableFuture<Answer> exchange(URI url, Optional<byte[]> jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
        jsonBody.ifPresentOrElse(body -> request.POST(HttpRequest.BodyPublishers.ofByteArray(body)), request::GET);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new Answer(response.statusCode(), response.body()));
    }
}
