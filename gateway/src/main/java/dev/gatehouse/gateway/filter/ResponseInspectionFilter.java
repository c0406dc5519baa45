package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.inspection.PromptMessages;
import dev.gatehouse.gateway.answer.AnswerStep;
import dev.gatehouse.gateway.answer.PlainAnswer;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import dev.gatehouse.scanner.PersonalDataDetector;
import dev.gatehouse.scanner.ResponsePolicy;
import dev.gatehouse.scanner.ResponseScanner;
import dev.gatehouse.scanner.ResponseVerdict;
import dev.gatehouse.scanner.ScanAction;
import dev.gatehouse.scanner.StreamScanner;
import dev.gatehouse.tenant.compliance.ComplianceProfile;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * For tenants who scan model output: checks chat answers for leaks of the request's system prompt
 * and for personal data. A leak gets the tenant's injection action: block withholds the answer
 * (a plain response comes back with {@code finish_reason: "content_filter"} and no content, a
 * stream ends cleanly with a final error event and {@code [DONE]}); flag marks it. Personal data in
 * an answer is flagged. Each choice is judged on its own text (content and tool-call arguments).
 * Plain answers are held until scanned; streams are scanned in a sliding window as they pass, never
 * buffered whole, so up to one window of a leak may reach the caller before the stream is cut, and
 * what only the last words complete is judged at the stream's end: the caller then gets the error
 * event after text it already has, and the audit record the verdict.
 */
public final class ResponseInspectionFilter implements GlobalFilter, Ordered {

    public static final String FLAGS_HEADER = PromptInspectionFilter.FLAGS_HEADER;
    private static final byte[] BLOCKED_EVENT = ("data: {\"error\":{\"message\":\"The answer was withheld: it disclosed "
            + "protected content (Gatehouse response inspection).\",\"type\":\"content_filter\",\"param\":null,"
            + "\"code\":\"response_blocked\"}}\n\n").getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE_EVENT = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final PersonalDataDetector personalData;

    public ResponseInspectionFilter(PersonalDataDetector personalData) {
        this.personalData = personalData;
    }

    @Override
    public int getOrder() {
        return GatewayStep.RESPONSE_INSPECTION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel() || context.endpoint().modelKind() != ModelKind.CHAT) {
            return chain.filter(exchange);
        }
        ComplianceProfile profile = context.complianceProfile();
        if (!profile.scanResponses()) {
            return chain.filter(exchange);
        }
        ResponseScanner scanner = new ResponseScanner(PromptMessages.systemPrompt(context.endpoint(), context.body()),
                new ResponsePolicy(ScanAction.valueOf(profile.injectionAction().toUpperCase(Locale.ROOT)), ScanAction.FLAG), personalData);
        context.addAnswerStep(new InspectedAnswer(exchange.getResponse(), context, scanner));
        return chain.filter(exchange);
    }

    private record InspectedAnswer(ServerHttpResponse response, CallContext context, ResponseScanner scanner) implements AnswerStep {

        @Override
        public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
            ChoiceScanners choices = new ChoiceScanners(scanner);
            // the one event that ends a withheld stream: nothing the backend sends after it reaches the caller
            AnswerEvent done = AnswerEvent.framed(DONE_EVENT);
            return events
                    .concatMap(event -> {
                        ResponseVerdict verdict = event.isDone() ? choices.finish() : choices.accept(event.data());
                        context.responseVerdict(verdict);
                        return verdict.blocks() ? Flux.just(AnswerEvent.framed(BLOCKED_EVENT), done) : Flux.just(event);
                    })
                    .concatWith(Flux.defer(() -> {
                        if (choices.finished()) {
                            return Flux.empty();
                        }
                        ResponseVerdict verdict = choices.finish();
                        context.responseVerdict(verdict);
                        return verdict.blocks() ? Flux.just(AnswerEvent.framed(BLOCKED_EVENT), done) : Flux.empty();
                    }))
                    .takeUntil(event -> event == done);
        }

        @Override
        public boolean holdsPlainAnswer() {
            return true;
        }

        /** Each choice is judged on its own text, content and tool-call arguments, so that choices cannot add up to a leak. */
        @Override
        public Mono<PlainAnswer> plain(PlainAnswer answer) {
            JsonNode completion = answer.json();
            if (completion == null || !completion.path("choices").isArray()) {
                return Mono.just(answer);
            }
            List<ResponseVerdict> verdicts = new ArrayList<>();
            boolean withheld = false;
            for (JsonNode choice : completion.get("choices")) {
                ResponseVerdict verdict = scanner.scan(textOf(choice));
                verdicts.add(verdict);
                if (verdict.blocks() && choice instanceof ObjectNode blocked) {
                    blocked.put("finish_reason", "content_filter");
                    if (blocked.has("text")) {
                        blocked.put("text", "");
                    }
                    if (blocked.path("message") instanceof ObjectNode message) {
                        message.put("content", "");
                        message.remove("tool_calls");
                    }
                    withheld = true;
                }
            }
            ResponseVerdict verdict = ResponseVerdict.combined(verdicts);
            context.responseVerdict(verdict);
            if (verdict.action() != null && verdict.action() != ScanAction.LOG_ONLY) {
                response.getHeaders().add(FLAGS_HEADER, verdict.systemPromptLeak() ? "response-system-prompt-leak" : "response-personal-data");
            }
            if (withheld) {
                answer.changed();
            }
            return Mono.just(answer);
        }
    }

    /** A choice's (or a chunk's choice's) text the caller reads: its content or completion text and the arguments of its tool (or legacy function) calls. */
    private static String textOf(JsonNode choice) {
        StringBuilder text = new StringBuilder(ServerSentEvents.choiceText(choice));
        JsonNode messageOrDelta = choice.has("delta") ? choice.path("delta") : choice.path("message");
        for (JsonNode call : messageOrDelta.path("tool_calls")) {
            text.append(call.path("function").path("arguments").asText(""));
        }
        text.append(messageOrDelta.path("function_call").path("arguments").asText(""));
        return text.toString();
    }

    /** One stream scanner per choice index of a streamed answer; the verdict is theirs combined. */
    private static final class ChoiceScanners {

        private final ResponseScanner scanner;
        private final Map<Integer, StreamScanner> byIndex = new TreeMap<>();
        private boolean finished;

        ChoiceScanners(ResponseScanner scanner) {
            this.scanner = scanner;
        }

        ResponseVerdict accept(JsonNode chunk) {
            if (chunk != null) {
                for (JsonNode choice : chunk.path("choices")) {
                    String text = textOf(choice);
                    if (!text.isEmpty()) {
                        byIndex.computeIfAbsent(choice.path("index").asInt(0), index -> scanner.openStream()).accept(text);
                    }
                }
            }
            return verdict();
        }

        /** Judges what each choice still held back at the end of the stream. */
        ResponseVerdict finish() {
            finished = true;
            byIndex.values().forEach(StreamScanner::finish);
            return verdict();
        }

        boolean finished() {
            return finished;
        }

        private ResponseVerdict verdict() {
            return ResponseVerdict.combined(byIndex.values().stream().map(StreamScanner::verdict).toList());
        }
    }

    @Override
    public String toString() {
        return "ResponseInspection[system-prompt leaks, personal data]";
    }
}
