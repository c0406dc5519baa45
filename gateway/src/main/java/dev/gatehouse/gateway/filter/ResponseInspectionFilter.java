package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.inspection.PromptMessages;
import dev.gatehouse.gateway.sse.RewrittenAnswer;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import dev.gatehouse.scanner.PersonalDataDetector;
import dev.gatehouse.scanner.ResponsePolicy;
import dev.gatehouse.scanner.ResponseScanner;
import dev.gatehouse.scanner.ResponseVerdict;
import dev.gatehouse.scanner.ScanAction;
import dev.gatehouse.scanner.StreamScanner;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;




import org.springframework.http.server.reactive.ServerHttpResponse;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * For tenants who scan model output: checks chat answers for leaks of the request's system prompt
 * and for personal data. A leak gets the tenant's injection action: block withholds the answer
 * (a plain response comes back with {@code finish_reason: "content_filter"} and no content, a
 * stream ends cleanly with a final error event and {@code [DONE]}); flag marks it. Personal data in
 * an answer is flagged. Plain answers are held until scanned; streams are scanned in a sliding
 * window as they pass, never buffered whole, so up to one window of a leak may reach the caller
 * before the stream is cut.
 */
public final class ResponseInspectionFilter implements GlobalFilter, Ordered {

    public static final String FLAGS_HEADER = PromptInspectionFilter.FLAGS_HEADER;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BLOCKED_EVENT = ("data: {\"error\":{\"message\":\"The answer was withheld: it disclosed "
            + "protected content (Gatehouse response inspection).\",\"type\":\"content_filter\",\"param\":null,"
            + "\"code\":\"response_blocked\"}}\n\n").getBytes(StandardCharsets.UTF_8);
    private static final byte[] DONE_EVENT = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final ComplianceProfiles profiles;
    private final PersonalDataDetector personalData;

    public ResponseInspectionFilter(ComplianceProfiles profiles, PersonalDataDetector personalData) {
        this.profiles = profiles;
        this.personalData = personalData;
    }

    @Override
    public int getOrder() {
        return GatewayStep.RESPONSE_INSPECTION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (context.endpoint() != Endpoint.CHAT_COMPLETIONS) {
            return chain.filter(exchange);
        }
        ComplianceProfile profile = profiles.of(context.tenant().id());
        if (!profile.scanResponses()) {
            return chain.filter(exchange);
        }
        ResponseScanner scanner = new ResponseScanner(PromptMessages.systemPrompt(context.endpoint(), context.body()),
                new ResponsePolicy(ScanAction.valueOf(profile.injectionAction().toUpperCase(Locale.ROOT)), ScanAction.FLAG), personalData);
        return chain.filter(exchange.mutate().response(new InspectedResponse(exchange.getResponse(), context, scanner)).build());
    }

    private static final class InspectedResponse extends RewrittenAnswer {

        private final CallContext context;
        private final ResponseScanner scanner;

        InspectedResponse(ServerHttpResponse delegate, CallContext context, ResponseScanner scanner) {
            super(delegate);
            this.context = context;
            this.scanner = scanner;
        }

        @Override
        protected Flux<byte[]> rewriteEvents(Flux<byte[]> events) {
            StreamScanner stream = scanner.openStream();
            return events
                    .concatMap(event -> {
                        String content = ServerSentEvents.deltaContent(ServerSentEvents.data(event));
                        ResponseVerdict verdict = content.isEmpty() ? stream.verdict() : stream.accept(content);
                        context.responseVerdict(verdict);
                        return verdict.blocks() ? Flux.just(BLOCKED_EVENT, DONE_EVENT) : Flux.just(event);
                    })
                    .takeUntil(event -> event == DONE_EVENT);
        }

        @Override
        protected byte[] rewritePlain(byte[] bytes) {
            JsonNode response;
            try {
                response = JSON.readTree(bytes);
            } catch (IOException notJson) {
                return bytes;
            }
            if (response == null || !response.path("choices").isArray()) {
                return bytes;
            }
            StringBuilder text = new StringBuilder();
            response.get("choices").forEach(choice -> text.append(choice.path("message").path("content").asText("")).append('\n'));
            ResponseVerdict verdict = scanner.scan(text.toString());
            context.responseVerdict(verdict);
            if (verdict.action() != null && verdict.action() != ScanAction.LOG_ONLY) {
                getHeaders().add(FLAGS_HEADER, verdict.systemPromptLeak() ? "response-system-prompt-leak" : "response-personal-data");
            }
            if (!verdict.blocks()) {
                return bytes;
            }
            response.get("choices").forEach(choice -> {
                ((ObjectNode) choice).put("finish_reason", "content_filter");
                if (choice.path("message").isObject()) {
                    ((ObjectNode) choice.get("message")).put("content", "");
                }
            });
            return response.toString().getBytes(StandardCharsets.UTF_8);
        }


    }

    @Override
    public String toString() {
        return "ResponseInspection[system-prompt leaks, personal data]";
    }
}
