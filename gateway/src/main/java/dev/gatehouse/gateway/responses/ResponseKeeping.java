package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.answer.PlainAnswer;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.Set;

/**
 * What one Responses API call asks of stored responses, and keeping its answer: {@code store: true}
 * keeps the response and the conversation it ends; {@code previous_response_id} continues a kept
 * conversation, whose items are put before the call's own input before any step reads it, so the
 * prompt scan, limits and policy see the whole conversation as it is sent. Both only for tenants
 * whose settings log content; the answer is kept only when the policy's decision for the call
 * obliges content logging too (never with special categories of data), for its retention, and
 * says {@code store: false} when it was not kept (decision 0821).
 */
public final class ResponseKeeping {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseKeeping.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> FINAL_EVENTS = Set.of("response.completed", "response.incomplete");
    private static final Set<String> CONTINUED_OUTPUT = Set.of("message", "function_call");

    private final StoredResponses store;
    private final Scheduler blocking;
    private final CallContext context;
    private final boolean keep;
    private final String previousResponseId;
    private ArrayNode conversation;

    private ResponseKeeping(StoredResponses store, Scheduler blocking, CallContext context, boolean keep, String previousResponseId) {
        this.store = store;
        this.blocking = blocking;
        this.context = context;
        this.keep = keep;
        this.previousResponseId = previousResponseId;
    }

    /**
     * Reads {@code store} and {@code previous_response_id} off the call's Responses request (the
     * backend never sees them: the gateway keeps responses, not the backend), refusing them with
     * 400 {@code response_storage_not_allowed} for a tenant that does not log content.
     */
    public static ResponseKeeping of(StoredResponses store, Scheduler blocking, CallContext context) {
        ObjectNode request = context.body();
        JsonNode storeField = request.remove("store");
        if (storeField != null && !storeField.isNull() && !storeField.isBoolean()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'store' must be true or false.", "store");
        }
        JsonNode previous = request.remove("previous_response_id");
        if (previous != null && !previous.isNull() && !previous.isTextual()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'previous_response_id' must be a string.", "previous_response_id");
        }
        boolean keep = storeField != null && storeField.asBoolean(false);
        String previousId = previous == null || previous.isNull() ? null : previous.asText();
        if ((keep || previousId != null) && !context.tenant().settings().contentLogging()) {
            String field = keep ? "store" : "previous_response_id";
            throw new ApiProblem(ProblemType.RESPONSE_STORAGE_NOT_ALLOWED, "Stored responses ('" + field + "') are kept only for tenants "
                    + "whose settings log content, and this tenant's do not; leave out 'store' and send the earlier turns in 'input'.", field);
        }
        return new ResponseKeeping(store, blocking, context, keep, previousId);
    }

    /** Whether the call neither keeps its answer nor continues a conversation: its answer then goes on untouched. */
    public boolean asksForNothing() {
        return !keep && previousResponseId == null;
    }

    /** Puts the kept conversation before the request's input, when it continues one; 404 for an id its tenant does not have. */
    public Mono<Void> continueConversation() {
        ObjectNode request = context.body();
        ArrayNode input = inputItems(request.get("input"));
        if (previousResponseId == null) {
            conversation = input;
            return Mono.empty();
        }
        return Mono.fromCallable(() -> store.find(context.tenant().id(), previousResponseId))
                .subscribeOn(blocking)
                .map(found -> found.orElseThrow(() -> notFound(previousResponseId, "previous_response_id")))
                .doOnNext(earlier -> {
                    ArrayNode whole = earlier.conversation().deepCopy();
                    whole.addAll(input);
                    conversation = whole;
                    request.set("input", whole.deepCopy());
                })
                .then();
    }

    /** The answer for a caller that asked for nothing kept, or the kept response, marked as such; plain answers. */
    public Mono<PlainAnswer> plain(PlainAnswer answer) {
        if (!(answer.json() instanceof ObjectNode object) || !"response".equals(object.path("object").asText())) {
            return Mono.just(answer);
        }
        return kept(object).map(marked -> {
            answer.replace(marked);
            return answer;
        });
    }

    /** The events of a stream, its final response kept and marked before the event that carries it goes on. */
    public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
        return events.concatMap(event -> {
            JsonNode data = event.data();
            if (data == null || !FINAL_EVENTS.contains(data.path("type").asText()) || !(data.get("response") instanceof ObjectNode response)) {
                return Mono.just(event);
            }
            return kept(response).map(marked -> {
                ((ObjectNode) data).set("response", marked);
                return AnswerEvent.typed(data.get("type").asText(), data);
            });
        });
    }

    /** The response with {@code store} and {@code previous_response_id} as the caller asked and as it was kept. */
    private Mono<ObjectNode> kept(ObjectNode response) {
        if (previousResponseId == null) {
            response.putNull("previous_response_id");
        } else {
            response.put("previous_response_id", previousResponseId);
        }
        PolicyDecision decision = context.decision();
        if (!keep || decision == null || !decision.obligations().logContent() || !response.path("id").isTextual()) {
            response.put("store", false);
            return Mono.just(response);
        }
        response.put("store", true);
        ArrayNode whole = conversation.deepCopy();
        for (JsonNode item : response.path("output")) {
            // what a next turn may send again; reasoning and other items are not input the prompt scan reads
            if (CONTINUED_OUTPUT.contains(item.path("type").asText())) {
                whole.add(item);
            }
        }
        StoredResponses.StoredResponse stored = new StoredResponses.StoredResponse(response.get("id").asText(), response, whole);
        return Mono.fromCallable(() -> {
                    store.store(context.tenant().id(), context.callId(), stored,
                            context.receivedAt().plus(Duration.ofDays(decision.obligations().retentionDays())));
                    return response;
                })
                .subscribeOn(blocking)
                .onErrorResume(CryptoException.class, failure -> {
                    LOG.error("response of call {} not kept: it cannot be sealed ({})", context.callId(), failure.code());
                    return Mono.just(response.put("store", false));
                });
    }

    /** The request's input as items: a string is one user message. */
    private static ArrayNode inputItems(JsonNode input) {
        if (input != null && input.isArray()) {
            return input.deepCopy();
        }
        ArrayNode items = NODES.arrayNode();
        if (input != null && input.isTextual()) {
            items.addObject().put("role", "user").put("content", input.asText());
        }
        return items;
    }

    /** The one answer for an id the caller's tenant does not have, whoever else may have it. */
    public static ApiProblem notFound(String id, String param) {
        return new ApiProblem(ProblemType.NOT_FOUND, "No response with the id '" + id + "' is stored for you.", param);
    }
}
