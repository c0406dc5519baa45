package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import reactor.core.publisher.Flux;

/**
 * The typed events of a backend that serves the Responses API itself, passed to the caller as they
 * come. The one event the gateway adds to a stream, the error event that ends a stream the backend
 * broke off or stalled (written in chat's shape, {@code {"error": {...}}}, by the step that watches
 * every backend's answer), becomes the Responses API's {@code error} event, numbered after the last
 * event the backend sent.
 */
public final class PassedThroughEvents {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PassedThroughEvents() {
    }

    public static Flux<AnswerEvent> of(Flux<AnswerEvent> backendEvents) {
        return Flux.defer(() -> {
            long[] lastSequence = {-1};
            return backendEvents.map(event -> {
                JsonNode data = event.data();
                if (data == null) {
                    return event;
                }
                if (data.path("sequence_number").canConvertToLong()) {
                    lastSequence[0] = data.get("sequence_number").asLong();
                }
                if (data.has("type") || !data.path("error").isObject()) {
                    return event;
                }
                return typedError(data.get("error"), ++lastSequence[0]);
            });
        });
    }

    private static AnswerEvent typedError(JsonNode error, long sequence) {
        ObjectNode typed = NODES.objectNode().put("type", "error").put("sequence_number", sequence)
                .put("code", error.path("code").asText("server_error"))
                .put("message", error.path("message").asText("The model backend failed."));
        typed.set("param", error.path("param").isTextual() ? error.get("param") : NODES.nullNode());
        return AnswerEvent.typed("error", typed);
    }
}
