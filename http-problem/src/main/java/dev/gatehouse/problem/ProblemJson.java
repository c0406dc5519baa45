package dev.gatehouse.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link ApiProblem} as RFC 9457 {@code application/problem+json}, with OpenAI's
 * {@code error} object beside the standard members so that OpenAI SDKs show the message.
 */
public final class ProblemJson {

    public static final MediaType MEDIA_TYPE = MediaType.APPLICATION_PROBLEM_JSON;
    /** The response header that carries the request id, on every response. */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemJson() {
    }

    public static String render(ApiProblem problem, String requestId) {
        ProblemType type = problem.type();
        ObjectNode body = JSON.createObjectNode();
        body.put("type", type.typeUri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", problem.detail());
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        problem.extensions().forEach((member, value) -> body.set(member, JSON.valueToTree(value)));
        ObjectNode error = body.putObject("error");
        error.put("message", problem.detail());
        error.put("type", type.openAiType());
        if (problem.param() == null) {
            error.putNull("param");
        } else {
            error.put("param", problem.param());
        }
        error.put("code", type.code());
        return body.toString();
    }

    public static Mono<Void> write(ServerHttpResponse response, ApiProblem problem, String requestId) {
        byte[] bytes = render(problem, requestId).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.valueOf(problem.type().status()));
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MEDIA_TYPE);
        headers.setContentLength(bytes.length);
        headers.remove(HttpHeaders.CONTENT_ENCODING);
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        if (problem.retryAfter() != null) {
            long seconds = (problem.retryAfter().toMillis() + 999) / 1000;
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, seconds)));
        }
        if (problem.type().status() == 401) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\"");
        }
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
