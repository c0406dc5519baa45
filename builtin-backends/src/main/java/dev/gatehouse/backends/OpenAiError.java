package dev.gatehouse.backends;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerResponse;

/** Errors in the shape OpenAI-compatible servers answer with. */
final class OpenAiError {

    private OpenAiError() {
    }

    static Publisher<Void> send(HttpServerResponse response, ObjectMapper json, HttpResponseStatus status, String message) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", "invalid_request_error");
        error.putNull("param");
        error.putNull("code");
        return response.status(status)
                .header("Content-Type", "application/json")
                .sendString(reactor.core.publisher.Mono.just(body.toString()));
    }
}
