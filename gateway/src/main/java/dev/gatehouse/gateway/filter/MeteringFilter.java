package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.answer.AnswerStep;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.gateway.metering.CallCost;
import dev.gatehouse.gateway.metering.CallMetrics;
import dev.gatehouse.gateway.metering.PlainAnswerReader;
import dev.gatehouse.gateway.metering.StreamingUsageTap;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.gateway.metering.TokenUsage;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Counts the tokens of every model call from the backend's own usage report and books them, with
 * their cost, latency and time to first token, in the usage ledger. For streams it asks the backend
 * for the final usage chunk ({@code stream_options.include_usage}) even when the caller did not, and
 * then keeps that chunk from the caller, so that streamed calls are metered exactly too. A backend
 * that reports no usage has its tokens counted by the {@link TokenCounter}, and the record says so.
 */
public final class MeteringFilter implements GlobalFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(MeteringFilter.class);

    private final AsyncBatchWriter<UsageRecord> ledger;
    private final TokenCounter tokens;
    private final CallMetrics metrics;

    public MeteringFilter(AsyncBatchWriter<UsageRecord> ledger, TokenCounter tokens, CallMetrics metrics) {
        this.ledger = ledger;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    @Override
    public int getOrder() {
        return GatewayStep.METERING.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        ObjectNode body = context.body();
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            return Mono.error(new ApiProblem(ProblemType.INVALID_REQUEST, "'stream' must be true or false.", "stream"));
        }
        boolean streamed = stream != null && stream.asBoolean(false);
        context.streamed(streamed);
        boolean gatewayAskedForUsage = false;
        // a Responses API stream always ends with its usage, in response.completed
        if (streamed && !context.responsesPassedThrough()) {
            JsonNode options = body.get("stream_options");
            if (options != null && !options.isNull() && !options.isObject()) {
                return Mono.error(new ApiProblem(ProblemType.INVALID_REQUEST, "'stream_options' must be an object.", "stream_options"));
            }
            ObjectNode streamOptions = options == null || options.isNull() ? body.putObject("stream_options") : (ObjectNode) options;
            if (!streamOptions.path("include_usage").asBoolean(false)) {
                streamOptions.put("include_usage", true);
                gatewayAskedForUsage = true;
            }
        }
        context.addAnswerStep(new MeteredAnswer(exchange.getResponse(), context, gatewayAskedForUsage));
        return chain.filter(exchange);
    }

    /** Reads the answer as the backend sent it (a stream's events, a plain answer's pieces as they pass) and books the call when it ends. */
    private final class MeteredAnswer implements AnswerStep {

        private final ServerHttpResponse response;
        private final CallContext context;
        private final boolean hideUsageChunk;
        private final AtomicBoolean booked = new AtomicBoolean();
        private volatile long firstByteNanos;

        MeteredAnswer(ServerHttpResponse response, CallContext context, boolean hideUsageChunk) {
            this.response = response;
            this.context = context;
            this.hideUsageChunk = hideUsageChunk;
        }

        @Override
        public Flux<AnswerEvent> events(Flux<AnswerEvent> events) {
            boolean logsContent = logsContent();
            StreamingUsageTap tap = new StreamingUsageTap(hideUsageChunk, logsContent);
            return whenBodyEnds(tap.apply(events.doOnNext(event -> firstByte())), () -> {
                if (logsContent) {
                    context.completion(tap.completionText().getBytes(StandardCharsets.UTF_8));
                }
                book(tap.reportedUsage(), () -> countedUsage(tap.completionText()));
            });
        }

        /** A plain answer is read as it passes, and copied only for a call whose content is logged. */
        @Override
        public Flux<DataBuffer> passing(Flux<DataBuffer> pieces) {
            boolean logsContent = logsContent();
            PlainAnswerReader reader = new PlainAnswerReader(logsContent);
            return whenBodyEnds(reader.apply(pieces.doOnNext(piece -> firstByte())), () -> {
                if (logsContent) {
                    context.completion(reader.copy());
                }
                book(reader.reportedUsage(), () -> isSuccess() ? countedUsage(reader.answerText()) : new TokenUsage(0, 0, false));
            });
        }

        /** Whether the policy obliges the call's content to be logged (decided, fallbacks included, before the answer comes). */
        private boolean logsContent() {
            PolicyDecision decision = context.decision();
            return decision != null && decision.obligations().logContent();
        }

        private void firstByte() {
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime();
            }
        }

        private TokenUsage countedUsage(String answer) {
            String model = context.model().id();
            return new TokenUsage(tokens.countPrompt(model, context.body()), tokens.countText(model, answer), false);
        }

        /**
         * Runs before the end of the body is signalled onwards (unlike doFinally, which runs after):
         * the write, and with it the filter chain, may complete inside that signal, and the steps
         * that run when the chain completes (audit, content log) read what this records.
         */
        private <T> Flux<T> whenBodyEnds(Flux<T> body, Runnable record) {
            Runnable loudly = () -> {
                try {
                    record.run();
                } catch (RuntimeException e) {
                    // Reactor drops what a cancel hook throws without a word: a usage record must not go that way
                    LOG.error("usage of call {} not booked", context.callId(), e);
                }
            };
            return body.doOnTerminate(loudly).doOnCancel(loudly);
        }

        private boolean isSuccess() {
            HttpStatusCode status = response.getStatusCode();
            return status == null || status.is2xxSuccessful();
        }

        private void book(Optional<TokenUsage> reported, Supplier<TokenUsage> counted) {
            if (!booked.compareAndSet(false, true)) {
                return;
            }
            TokenUsage usage = reported.orElseGet(counted);
            CatalogModel model = context.model();
            CallCost cost = CallCost.of(model, usage, context.receivedAt());
            context.usage(usage);
            context.cost(cost);
            HttpStatusCode status = response.getStatusCode();
            long firstByte = firstByteNanos;
            UsageRecord record = new UsageRecord(
                    context.callId(),
                    context.requestId(),
                    context.tenant().id(),
                    context.principal().keyId(),
                    context.endpoint().path(),
                    model.id(),
                    context.backend().id(),
                    context.backend().region(),
                    status == null ? 200 : status.value(),
                    context.streamed(),
                    usage,
                    usage.reportedByBackend() ? null : tokens.encodingFor(model.id()),
                    cost.amount(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - context.receivedNanos()),
                    firstByte == 0 ? null : TimeUnit.NANOSECONDS.toMillis(firstByte - context.receivedNanos()),
                    context.receivedAt());
            ledger.submit(record);
            metrics.record(context.tenant().slug(), record);
        }
    }

    @Override
    public String toString() {
        return "Metering[usage from backend or counted with cl100k/o200k, cost at the price in force when received]";
    }
}
