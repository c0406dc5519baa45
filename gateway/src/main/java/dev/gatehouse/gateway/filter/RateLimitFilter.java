package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.budgets.BudgetDirectory;
import dev.gatehouse.gateway.limits.RateLimiter;
import dev.gatehouse.gateway.limits.RateLimiter.Admission;
import dev.gatehouse.gateway.limits.RateLimiter.Exhausted;
import dev.gatehouse.gateway.limits.RateLimiter.Quota;
import dev.gatehouse.gateway.limits.RateLimits;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyScopes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Holds every model call to the requests and tokens per minute of its tenant's plan, and of its
 * key when the key carries limits of its own (which can only lower the plan's: a call must fit both). The call's tokens are reserved before it runs
 * (the prompt, counted with the model's tokenizer, plus {@code max_completion_tokens} or
 * {@code max_tokens} when given) and settled with the metered count when it ends. Every model call
 * gets OpenAI's {@code x-ratelimit-*} headers; a refusal is 429 {@code rate_limit_exceeded} with
 * {@code Retry-After}. When the limit store cannot be reached the call is refused (503
 * {@code limits_unavailable}), unless its tenant chose to let calls through uncounted then.
 */
public final class RateLimitFilter implements GlobalFilter, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiter limiter;
    private final TokenCounter tokens;
    private final BudgetDirectory budgets;

    public RateLimitFilter(RateLimiter limiter, TokenCounter tokens, BudgetDirectory budgets) {
        this.limiter = limiter;
        this.tokens = tokens;
        this.budgets = budgets;
    }

    @Override
    public int getOrder() {
        return GatewayStep.RATE_LIMIT.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        context.promptTokens(tokens.countPrompt(context.model().id(), context.body()));
        long estimate = (long) context.promptTokens() + TokenCounter.requestedOutputTokens(context.body()).orElse(0);
        return Mono.fromFuture(() -> limiter.admit(parties(context), estimate))
                .map(Optional::of)
                .onErrorResume(error -> !(error instanceof ApiProblem), error -> {
                    if (budgets.admitsWhenLimitsUnreachable(context.tenant().id())) {
                        LOG.warn("rate limits of call {} could not be counted, admitted uncounted as its tenant chose: {}", context.callId(),
                                error.toString());
                        return Mono.just(Optional.empty());
                    }
                    LOG.warn("rate limits of call {} could not be counted: {}", context.callId(), error.toString());
                    return Mono.error(new ApiProblem(ProblemType.LIMITS_UNAVAILABLE, "The rate limits cannot be checked right now; retry shortly."));
                })
                .flatMap(counted -> {
                    if (counted.isEmpty()) {
                        return chain.filter(exchange);
                    }
                    Admission admission = counted.get();
                    exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> putHeaders(exchange.getResponse().getHeaders(), admission)));
                    if (!admission.admitted()) {
                        return Mono.error(refusal(admission));
                    }
                    return chain.filter(exchange).doFinally(signal -> settle(context, admission));
                });
    }

    /** The tenant, and the key too when it has lower limits of its own (the plan's stand in for those it leaves unset). */
    private static List<RateLimiter.Party> parties(CallContext context) {
        RateLimits plan = RateLimits.of(context.tenant().settings().plan());
        RateLimiter.Party tenant = new RateLimiter.Party("tenant:" + context.tenant().id(), plan);
        ApiKeyScopes key = context.principal().scopes();
        if (!key.limitsRate()) {
            return List.of(tenant);
        }
        return List.of(tenant, new RateLimiter.Party("key:" + context.principal().keyId(), new RateLimits(
                key.requestsPerMinute() == null ? plan.requestsPerMinute() : key.requestsPerMinute(),
                key.tokensPerMinute() == null ? plan.tokensPerMinute() : key.tokensPerMinute())));
    }

    private void settle(CallContext context, Admission admission) {
        long used = context.usage() == null ? 0 : context.usage().totalTokens();
        limiter.settle(admission, used).whenComplete((settled, error) -> {
            if (error != null) {
                LOG.warn("token reservation of call {} not settled: {}", context.callId(), error.toString());
            }
        });
    }

    private static ApiProblem refusal(Admission admission) {
        if (admission.neverFits()) {
            return new ApiProblem(ProblemType.RATE_LIMIT_EXCEEDED, "This request alone needs more tokens than the "
                    + admission.tokens().limit() + " tokens per minute allowed; shorten the prompt or lower max_tokens.");
        }
        String which = admission.exhausted() == Exhausted.REQUESTS
                ? admission.requests().limit() + " requests per minute"
                : admission.tokens().limit() + " tokens per minute";
        return new ApiProblem(ProblemType.RATE_LIMIT_EXCEEDED, "Rate limit of " + which + " reached; retry after "
                + retryAfterSeconds(admission) + " s.");
    }

    private static void putHeaders(HttpHeaders headers, Admission admission) {
        put(headers, "requests", admission.requests());
        put(headers, "tokens", admission.tokens());
        if (!admission.admitted()) {
            headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds(admission)));
        }
    }

    private static void put(HttpHeaders headers, String kind, Quota quota) {
        headers.set("x-ratelimit-limit-" + kind, String.valueOf(quota.limit()));
        headers.set("x-ratelimit-remaining-" + kind, String.valueOf(quota.remaining()));
        headers.set("x-ratelimit-reset-" + kind, duration(quota.nanosToReset()));
    }

    private static long retryAfterSeconds(Admission admission) {
        if (admission.neverFits()) {
            return TimeUnit.MINUTES.toSeconds(1);
        }
        return Math.max(1, (admission.retryAfterNanos() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    /** As OpenAI writes it: {@code 20ms}, {@code 1s}, {@code 6m0s}. */
    static String duration(long nanos) {
        Duration duration = Duration.ofNanos(Math.max(0, nanos));
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return Math.max(duration.toMillis(), nanos > 0 ? 1 : 0) + "ms";
        }
        long seconds = (duration.toMillis() + 999) / 1000;
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + seconds % 60 + "s";
    }

    @Override
    public String toString() {
        return "RateLimit[" + limiter + ", tokens reserved before the call, settled after; Redis unreachable: as each tenant chose]";
    }
}
