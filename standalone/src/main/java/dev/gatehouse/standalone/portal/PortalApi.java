package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.env.Environment;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The portal's only way to the data: the same public HTTP APIs a curl user calls, on this
 * process's own port, with the signed-in user's API key. Whatever the API refuses the portal
 * cannot show, and every change is audited by the API as any other admin call.
 */
final class PortalApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Environment environment;
    private final WebClient client;

    PortalApi(Environment environment) {
        this.environment = environment;
        // The JDK's client, not Reactor Netty's global resources, which a closing context may dispose.
        this.client = WebClient.builder().clientConnector(new JdkClientHttpConnector(HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build())).build();
    }

    Mono<JsonNode> get(PortalUser user, String pathAndQuery) {
        return exchange(user, HttpMethod.GET, pathAndQuery, null);
    }

    Mono<JsonNode> send(PortalUser user, HttpMethod method, String path, Object body) {
        return exchange(user, method, path, body);
    }

    /** A text answer (the audit's published keys, PEM), read whole: it is small. */
    Mono<String> text(PortalUser user, String path) {
        return client.get().uri(base() + path).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchangeToMono(response -> response.statusCode().isError()
                        ? problemOf(response).flatMap(Mono::error)
                        : response.bodyToMono(String.class).defaultIfEmpty(""))
                .timeout(TIMEOUT);
    }

    /** A download (CSV, a bundle) passed through as it streams, never held whole. */
    Mono<ResponseEntity<Flux<DataBuffer>>> download(PortalUser user, String pathAndQuery) {
        return client.get().uri(base() + pathAndQuery).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .retrieve()
                .onStatus(HttpStatusCode::isError, response -> problemOf(response).map(Throwable.class::cast))
                .toEntityFlux(DataBuffer.class);
    }

    private Mono<JsonNode> exchange(PortalUser user, HttpMethod method, String path, Object body) {
        WebClient.RequestBodySpec request = client.method(method).uri(base() + path)
                .header(HttpHeaders.AUTHORIZATION, user.bearer())
                .accept(MediaType.APPLICATION_JSON);
        WebClient.RequestHeadersSpec<?> ready = body == null ? request : request.contentType(MediaType.APPLICATION_JSON).bodyValue(json(body));
        return ready.exchangeToMono(response -> response.statusCode().isError()
                        ? problemOf(response).flatMap(Mono::error)
                        : response.bodyToMono(String.class).map(PortalApi::parse).defaultIfEmpty(JSON.createObjectNode()))
                .timeout(TIMEOUT);
    }

    private static Mono<PortalApiProblem> problemOf(ClientResponse response) {
        int status = response.statusCode().value();
        return response.bodyToMono(String.class).defaultIfEmpty("{}").map(text -> {
            JsonNode problem = parseOrEmpty(text);
            return new PortalApiProblem(status, problem.path("detail").asText("The request was refused (" + status + ")."));
        });
    }

    /** Written with the same Jackson as the APIs read it (the client's own codecs would pick another Jackson major). */
    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body", e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("The API answered something other than JSON", e);
        }
    }

    private static JsonNode parseOrEmpty(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + environment.getRequiredProperty("local.server.port");
    }
}
