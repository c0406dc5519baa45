package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a streamed chat completion, event by event, into the Responses API's typed events:
 * {@code response.created} and {@code response.in_progress} first; for text,
 * {@code response.output_item.added}, {@code response.content_part.added} and
 * {@code response.output_text.delta} as it comes, closed by their {@code .done} events; for tool
 * calls, {@code response.output_item.added} and {@code response.function_call_arguments.delta};
 * and {@code response.completed} (or {@code response.incomplete}) with the whole response and its
 * usage. A chat error event becomes an {@code error} event, and nothing follows it. One instance
 * per call.
 */
final class ResponsesStream {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ResponseObject response;
    private final Map<Integer, FunctionCall> calls = new TreeMap<>();
    private int sequence;
    private int nextOutputIndex;
    private boolean started;
    private boolean ended;
    private String messageId;
    private int messageIndex;
    private final StringBuilder text = new StringBuilder();
    private String finishReason = "";
    private ObjectNode usage;

    private static final class FunctionCall {
        final String itemId = ResponseObject.itemId("fc");
        final int outputIndex;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        FunctionCall(int outputIndex, String callId, String name) {
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    ResponsesStream(ResponseObject response) {
        this.response = response;
    }

    Flux<AnswerEvent> translate(Flux<AnswerEvent> chatEvents) {
        return chatEvents.concatMapIterable(this::accept)
                .concatWith(Flux.defer(() -> Flux.fromIterable(ended ? List.of() : finish())));
    }

    private List<AnswerEvent> accept(AnswerEvent event) {
        List<AnswerEvent> events = new ArrayList<>();
        if (ended) {
            return events;
        }
        start(events);
        if (event.isDone()) {
            events.addAll(finish());
            return events;
        }
        JsonNode chunk = event.data();
        if (chunk == null) {
            return events;
        }
        if (chunk.has("error")) {
            JsonNode error = chunk.get("error");
            ObjectNode failure = NODES.objectNode().put("code", error.path("code").asText("server_error"))
                    .put("message", error.path("message").asText("The model backend failed."));
            failure.set("param", error.path("param").isTextual() ? error.get("param") : NODES.nullNode());
            events.add(event("error", failure));
            ended = true;
            return events;
        }
        ObjectNode reported = ResponseObject.usage(chunk.path("usage"));
        if (reported != null) {
            usage = reported;
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
        }
        JsonNode delta = choice.path("delta");
        String content = delta.path("content").asText("");
        if (!content.isEmpty()) {
            openMessage(events);
            text.append(content);
            events.add(event("response.output_text.delta", part(messageId, messageIndex).put("delta", content).set("logprobs", NODES.arrayNode())));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            FunctionCall function = calls.computeIfAbsent(call.path("index").asInt(0), index -> {
                FunctionCall opened = new FunctionCall(nextOutputIndex++, call.path("id").asText(""), call.path("function").path("name").asText(""));
                events.add(event("response.output_item.added", NODES.objectNode().put("output_index", opened.outputIndex)
                        .set("item", ResponseObject.functionCallItem(opened.itemId, opened.callId, opened.name, "", "in_progress"))));
                return opened;
            });
            String fragment = call.path("function").path("arguments").asText("");
            if (!fragment.isEmpty()) {
                function.arguments.append(fragment);
                events.add(event("response.function_call_arguments.delta", NODES.objectNode().put("item_id", function.itemId)
                        .put("output_index", function.outputIndex).put("delta", fragment)));
            }
        }
        return events;
    }

    private void start(List<AnswerEvent> events) {
        if (started) {
            return;
        }
        started = true;
        events.add(event("response.created", NODES.objectNode().set("response", response.with("in_progress", NODES.arrayNode(), null, null))));
        events.add(event("response.in_progress", NODES.objectNode().set("response", response.with("in_progress", NODES.arrayNode(), null, null))));
    }

    private void openMessage(List<AnswerEvent> events) {
        if (messageId != null) {
            return;
        }
        messageId = ResponseObject.itemId("msg");
        messageIndex = nextOutputIndex++;
        events.add(event("response.output_item.added", NODES.objectNode().put("output_index", messageIndex)
                .set("item", ResponseObject.messageItem(messageId, "in_progress", null))));
        events.add(event("response.content_part.added", part(messageId, messageIndex).set("part", ResponseObject.outputText(""))));
    }

    private List<AnswerEvent> finish() {
        List<AnswerEvent> events = new ArrayList<>();
        start(events);
        ended = true;
        ArrayNode items = NODES.arrayNode();
        List<Map.Entry<Integer, ObjectNode>> ordered = new ArrayList<>();
        if (messageId != null) {
            events.add(event("response.output_text.done", part(messageId, messageIndex).put("text", text.toString())
                    .set("logprobs", NODES.arrayNode())));
            events.add(event("response.content_part.done", part(messageId, messageIndex).set("part", ResponseObject.outputText(text.toString()))));
            ObjectNode message = ResponseObject.messageItem(messageId, "completed", text.toString());
            events.add(event("response.output_item.done", NODES.objectNode().put("output_index", messageIndex).set("item", message)));
            ordered.add(Map.entry(messageIndex, message));
        }
        for (FunctionCall function : calls.values()) {
            events.add(event("response.function_call_arguments.done", NODES.objectNode().put("item_id", function.itemId)
                    .put("output_index", function.outputIndex).put("arguments", function.arguments.toString())));
            ObjectNode item = ResponseObject.functionCallItem(function.itemId, function.callId, function.name, function.arguments.toString(),
                    "completed");
            events.add(event("response.output_item.done", NODES.objectNode().put("output_index", function.outputIndex).set("item", item)));
            ordered.add(Map.entry(function.outputIndex, item));
        }
        ordered.stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> items.add(entry.getValue()));
        String incomplete = ResponseObject.incompleteReason(finishReason);
        events.add(event(incomplete == null ? "response.completed" : "response.incomplete", NODES.objectNode()
                .set("response", response.with(incomplete == null ? "completed" : "incomplete", items, usage, incomplete))));
        return events;
    }

    private static ObjectNode part(String itemId, int outputIndex) {
        return NODES.objectNode().put("item_id", itemId).put("output_index", outputIndex).put("content_index", 0);
    }

    private AnswerEvent event(String type, ObjectNode data) {
        ObjectNode typed = NODES.objectNode().put("type", type).put("sequence_number", sequence++);
        typed.setAll(data);
        return AnswerEvent.typed(type, typed);
    }
}
