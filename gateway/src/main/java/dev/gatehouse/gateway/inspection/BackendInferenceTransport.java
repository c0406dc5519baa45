package dev.gatehouse.gateway.inspection;

import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.gateway.routing.BackendHttpClients;
import dev.gatehouse.scanner.remote.InferenceTransport;
import dev.gatehouse.scanner.remote.RemoteClassifierException;
import dev.gatehouse.scanner.remote.RemoteClassifierException.Failure;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Requests to a classifier backend through the gateway's own client for that backend (its TLS, its
 * address guard, its connect timeout) with the backend's upstream credential, each bounded by the
 * scanner's timeout.
 */
final class BackendInferenceTransport implements InferenceTransport {

    private final HttpClient client;
    private final Duration timeout;

    BackendInferenceTransport(BackendHttpClients clients, ModelBackend backend, Duration timeout) {
        UpstreamCredential credential = backend.credential();
        HttpClient base = clients.forBackend(backend).responseTimeout(timeout)
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.ACCEPT, "application/json"));
        this.client = credential == null ? base : base.headers(headers -> headers.set(credential.headerName(), credential.headerValue()));
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Answer> exchange(URI url, Optional<byte[]> jsonBody) {
        HttpClient.ResponseReceiver<?> request = jsonBody.isPresent()
                ? client.post().uri(url).send(ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(jsonBody.get()))))
                : client.get().uri(url);
        return request.responseSingle((response, body) -> body.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(response.status().code(), bytes)))
                .timeout(timeout)
                .onErrorMap(error -> !(error instanceof RemoteClassifierException), BackendInferenceTransport::failureOf)
                .toFuture();
    }

    private static RemoteClassifierException failureOf(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return new RemoteClassifierException(Failure.CONNECT, "the classifier backend could not be reached");
            }
            if (cause instanceof ReadTimeoutException || cause instanceof TimeoutException) {
                return new RemoteClassifierException(Failure.TIMEOUT, "the classifier backend did not answer in time");
            }
        }
        return new RemoteClassifierException(Failure.CONNECT, "the classifier backend could not be called: " + error.getClass().getSimpleName());
    }
}
