package dev.gatehouse.scanner.remote;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How requests reach an inference server: the caller's HTTP client, with its own TLS, address
 * checks, credentials and timeout, so the scanner holds none of them.
 */
@FunctionalInterface
public interface InferenceTransport {

    /**
     * POSTs the JSON body to the URL, or GETs it when there is none. Completes with whatever status
     * came back, or exceptionally with a {@link RemoteClassifierException} ({@code CONNECT},
     * {@code TIMEOUT}) when no answer came.
     */
    CompletableFuture<Answer> exchange(URI url, Optional<byte[]> jsonBody);

    record Answer(int status, byte[] body) {
    }
}
