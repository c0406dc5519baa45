package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.answer.AnswerStep;
import dev.gatehouse.gateway.answer.PlainAnswer;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.scanner.Pseudonymizer;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.HashMap;
import java.util.Map;

/**
 * When the prompt's personal data was pseudonymised for the backend (tenant transfer choice
 * {@code pseudonymise}), puts the original values back into the answer for the caller: into every
 * choice's text and into the arguments of its tool calls, in a plain answer and in a stream, where
 * each choice's text and each of its tool calls' arguments is restored as its own stream, holding
 * back only a trailing piece that may be the start of a placeholder until the choice finishes. The
 * backend never saw the values; the caller never sees the placeholders.
 */
public final class PseudonymRestorationFilter implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return GatewayStep.PSEUDONYM_RESTORATION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.find(exchange);
        if (context == null || context.pseudonyms() == null) {
            return chain.filter(exchange);
        }
        context.addAnswerStep(new RestoredAnswer(context.pseudonyms()));
        return chain.filter(exchange);
    }

    private record RestoredAnswer(Pseudonymizer pseudonyms) implements AnswerStep {

        @Override
        public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
            return Flux.defer(() -> {
                StreamedChoices choices = new StreamedChoices(pseudonyms);
                return events.map(choices::restore);
            });
        }

        @Override
        public boolean holdsPlainAnswer() {
            return true;
        }

        @Override
        public Mono<PlainAnswer> plain(PlainAnswer plain) {
            JsonNode answer = plain.json();
            if (answer == null || !answer.path("choices").isArray()) {
                return Mono.just(plain);
            }
            answer.get("choices").forEach(choice -> {
                if (choice.path("text").isTextual()) {
                    ((ObjectNode) choice).put("text", pseudonyms.restore(choice.get("text").asText()));
                }
                JsonNode message = choice.path("message");
                if (message.path("content").isTextual()) {
                    ((ObjectNode) message).put("content", pseudonyms.restore(message.get("content").asText()));
                }
                for (JsonNode call : message.path("tool_calls")) {
                    restoreArguments(call.path("function"), pseudonyms::restore);
                }
                restoreArguments(message.path("function_call"), pseudonyms::restore);
            });
            plain.changed();
            return Mono.just(plain);
        }
    }

    private static void restoreArguments(JsonNode function, java.util.function.UnaryOperator<String> restore) {
        if (function instanceof ObjectNode object && object.path("arguments").isTextual()) {
            object.put("arguments", restore.apply(object.get("arguments").asText()));
        }
    }

    /**
     * The restorers of one streamed answer: one for each choice's text, one for each of its tool
     * calls' arguments (and the legacy {@code function_call}'s). A chunk that finishes a choice (its
     * {@code finish_reason}) also carries what that choice's restorers still held back, so nothing is
     * left behind at the end.
     */
    private static final class StreamedChoices {

        /** The key of a choice's legacy {@code function_call} among its tool calls' restorers. */
        private static final int LEGACY_FUNCTION_CALL = -1;

        private final Pseudonymizer pseudonyms;
        private final Map<Integer, Pseudonymizer.StreamRestorer> texts = new HashMap<>();
        private final Map<Integer, Map<Integer, Pseudonymizer.StreamRestorer>> arguments = new HashMap<>();

        StreamedChoices(Pseudonymizer pseudonyms) {
            this.pseudonyms = pseudonyms;
        }

        AnswerEvent restore(AnswerEvent event) {
            JsonNode chunk = event.data();
            if (chunk == null || !chunk.path("choices").isArray() || chunk.get("choices").isEmpty()) {
                return event;
            }
            boolean changed = false;
            for (JsonNode choice : chunk.get("choices")) {
                if (choice instanceof ObjectNode object) {
                    changed |= restoreChoice(object);
                }
            }
            return changed ? AnswerEvent.of(chunk) : event;
        }

        private boolean restoreChoice(ObjectNode choice) {
            int index = choice.path("index").asInt(0);
            boolean finishing = !choice.path("finish_reason").isNull() && !choice.path("finish_reason").isMissingNode();
            boolean changed = restoreText(choice, index, finishing);
            JsonNode delta = choice.path("delta");
            Map<Integer, Pseudonymizer.StreamRestorer> calls = arguments.computeIfAbsent(index, i -> new HashMap<>());
            for (JsonNode call : delta.path("tool_calls")) {
                Pseudonymizer.StreamRestorer restorer = calls.computeIfAbsent(call.path("index").asInt(0), i -> pseudonyms.streamRestorer());
                if (call.path("function").path("arguments").isTextual()) {
                    restoreArguments(call.path("function"), restorer::accept);
                    changed = true;
                }
            }
            if (delta.path("function_call").path("arguments").isTextual()) {
                restoreArguments(delta.path("function_call"), calls.computeIfAbsent(LEGACY_FUNCTION_CALL, i -> pseudonyms.streamRestorer())::accept);
                changed = true;
            }
            if (finishing) {
                changed |= releaseHeldArguments(choice, calls);
                arguments.remove(index);
                texts.remove(index);
            }
            return changed;
        }

        private boolean restoreText(ObjectNode choice, int index, boolean finishing) {
            boolean completion = choice.path("text").isTextual();
            JsonNode delta = choice.path("delta");
            boolean hasText = completion || delta.path("content").isTextual();
            if (!hasText && !finishing) {
                return false;
            }
            Pseudonymizer.StreamRestorer restorer = texts.computeIfAbsent(index, i -> pseudonyms.streamRestorer());
            String text = completion ? choice.get("text").asText() : delta.path("content").asText("");
            String restored = restorer.accept(text) + (finishing ? restorer.finish() : "");
            if (completion) {
                choice.put("text", restored);
            } else if (hasText || !restored.isEmpty()) {
                objectAt(choice, "delta").put("content", restored);
            }
            return true;
        }

        /** Adds what each tool call's restorer still holds to that call's arguments in the finishing chunk. */
        private static boolean releaseHeldArguments(ObjectNode choice, Map<Integer, Pseudonymizer.StreamRestorer> calls) {
            boolean changed = false;
            for (Map.Entry<Integer, Pseudonymizer.StreamRestorer> held : calls.entrySet()) {
                String rest = held.getValue().finish();
                if (!rest.isEmpty()) {
                    ObjectNode delta = objectAt(choice, "delta");
                    ObjectNode function = held.getKey() == LEGACY_FUNCTION_CALL ? objectAt(delta, "function_call") : toolCallFunction(delta, held.getKey());
                    function.put("arguments", function.path("arguments").asText("") + rest);
                    changed = true;
                }
            }
            return changed;
        }

        /** The {@code function} of the delta's tool call with this index, added when the delta has none. */
        private static ObjectNode toolCallFunction(ObjectNode delta, int index) {
            ArrayNode toolCalls = delta.path("tool_calls").isArray() ? (ArrayNode) delta.get("tool_calls") : delta.putArray("tool_calls");
            for (JsonNode call : toolCalls) {
                if (call.path("index").asInt(0) == index && call instanceof ObjectNode object) {
                    return objectAt(object, "function");
                }
            }
            return objectAt(toolCalls.addObject().put("index", index), "function");
        }

        private static ObjectNode objectAt(ObjectNode parent, String field) {
            return parent.path(field) instanceof ObjectNode object ? object : parent.putObject(field);
        }
    }

    @Override
    public String toString() {
        return "PseudonymRestoration";
    }
}
