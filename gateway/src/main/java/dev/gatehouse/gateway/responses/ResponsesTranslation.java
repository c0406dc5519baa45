package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import reactor.core.publisher.Flux;

import java.time.Instant;

/**
 * One Responses API call served by a chat completions backend: the chat request it was translated
 * to, and the way back for the plain answer or the stream. The field-by-field mapping is in
 * docs/responses-translation.md.
 */
public final class ResponsesTranslation {

    private final ObjectNode chatRequest;
    private final ResponseObject response;

    private ResponsesTranslation(ObjectNode chatRequest, ResponseObject response) {
        this.chatRequest = chatRequest;
        this.response = response;
    }

    /** Translates the request, or refuses it with a 400 naming what chat cannot express. */
    public static ResponsesTranslation of(ObjectNode responsesRequest, Instant receivedAt) {
        return new ResponsesTranslation(ResponsesRequest.toChat(responsesRequest), new ResponseObject(responsesRequest, receivedAt));
    }

    public ObjectNode chatRequest() {
        return chatRequest;
    }

    /** The Responses API answer for a chat completion. */
    public ObjectNode response(JsonNode chatCompletion) {
        return response.fromChat(chatCompletion);
    }

    /** The Responses API's typed events for a stream of chat completion chunks. */
    public Flux<AnswerEvent> events(Flux<AnswerEvent> chatEvents) {
        return new ResponsesStream(response).translate(chatEvents);
    }
}
