package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.BoundedBody;
import dev.gatehouse.problem.ContentNegotiation;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.problem.RequestIdFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

/**
 * Step 1: names the call (with the id {@link RequestIdFilter} gave the exchange), checks the
 * method, the content type and that the caller accepts the answer's type, and reads the JSON body
 * (one value, nothing after it) within the configured size limit, so that no later step handles an
 * unbounded or unparsable request.
 */
public final class RequestIdentityFilter implements GlobalFilter, Ordered {

    /** The gateway's id of the call, which its usage, content and audit records carry. */
    public static final String CALL_ID_HEADER = "X-Gatehouse-Call-Id";
    private static final int MAX_NESTING_DEPTH = 64;
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final int maxRequestBytes;
    private final Clock clock;

    public RequestIdentityFilter(int maxRequestBytes, Clock clock) {
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("the request size limit must be at least 1 KiB");
        }
        this.maxRequestBytes = maxRequestBytes;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return GatewayStep.REQUEST_IDENTITY.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String requestId = RequestIdFilter.requestIdOf(exchange);
        Endpoint endpoint = Endpoint.forRequest(request.getPath().value(), request.getMethod())
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No resource at this path."));
        CallContext context = new CallContext(UUID.randomUUID().toString(), requestId, endpoint, clock.instant(), System.nanoTime());
        context.attachTo(exchange);
        // at commit, so that a problem answer, whose handler starts from empty headers, names the call too
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(CALL_ID_HEADER, context.callId());
            return Mono.empty();
        });

        if (!endpoint.method().equals(request.getMethod())) {
            return Mono.error(new ApiProblem(ProblemType.METHOD_NOT_ALLOWED,
                    "Use " + endpoint.method().name() + " for " + endpoint.path() + "."));
        }
        if (!endpoint.callsModel()) {
            ContentNegotiation.requireAcceptable(request.getHeaders(), MediaType.APPLICATION_JSON);
            return chain.filter(exchange);
        }
        ContentNegotiation.requireJsonBody(request.getHeaders());
        if (request.getHeaders().getContentLength() > maxRequestBytes) {
            return Mono.error(BoundedBody.tooLarge(maxRequestBytes));
        }
        return BoundedBody.read(request.getBody(), maxRequestBytes)
                .flatMap(bytes -> {
                    ObjectNode body = parseObject(bytes);
                    ContentNegotiation.requireAcceptable(request.getHeaders(), answerTypes(endpoint, body));
                    context.body(body);
                    return chain.filter(exchange);
                });
    }

    /**
     * A streamed answer comes as server-sent events, but the OpenAI SDKs ask for it with
     * {@code Accept: application/json}, so either type admits it.
     */
    private static MediaType[] answerTypes(Endpoint endpoint, ObjectNode body) {
        boolean streamed = endpoint.streams() && body.path("stream").booleanValue();
        return streamed ? new MediaType[] {MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON}
                : new MediaType[] {MediaType.APPLICATION_JSON};
    }

    private static ObjectNode parseObject(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body is empty; send a JSON object.");
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body nests JSON deeper than " + MAX_NESTING_DEPTH + " levels.");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body is not valid JSON" + where + ".");
        } catch (IOException e) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body could not be read as JSON.");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body must be a JSON object.");
        }
        return (ObjectNode) parsed;
    }

    @Override
    public String toString() {
        return "RequestIdentity[maxRequestBytes=" + maxRequestBytes + "]";
    }
}
