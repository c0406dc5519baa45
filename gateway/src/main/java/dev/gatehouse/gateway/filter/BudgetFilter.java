package dev.gatehouse.gateway.filter;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.budgets.BudgetAlerts;
import dev.gatehouse.gateway.budgets.BudgetDirectory;
import dev.gatehouse.gateway.budgets.BudgetGuard;
import dev.gatehouse.gateway.budgets.BudgetGuard.Admission;
import dev.gatehouse.gateway.budgets.SpendAccount;
import dev.gatehouse.gateway.budgets.SpendCounters.Spend;
import dev.gatehouse.gateway.budgets.TenantBudgetSettings;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Holds every model call to its tenant's budget, and its key's when the key has one. Before the
 * call its greatest cost is reserved: the prompt's tokens (counted with the model's tokenizer) at
 * the input price plus the output it may produce at the output price, i.e. {@code
 * max_completion_tokens} or {@code max_tokens}, or when the caller gives neither, what is left of
 * the model's context window after the prompt, or {@code defaultMaxOutputTokens} for a model that
 * states no window (embeddings produce no output tokens). When the call ends, however it ends, the
 * reservation is replaced by the metered cost; a call whose cost is unknown then (it ended before
 * the answer was metered) keeps its whole reservation as spent if a backend was called, else none.
 * A call that does not fit is refused with 402 {@code budget_exhausted} and told when the period
 * resets. When the counters cannot be reached the call is refused (503 {@code limits_unavailable}),
 * unless its tenant chose to let calls through uncounted then.
 */
public final class BudgetFilter implements GlobalFilter, Ordered {

    public static final String RESET_HEADER = "x-gatehouse-budget-reset";
    public static final String LIMIT_HEADER = "x-gatehouse-budget-limit-usd";
    public static final String REMAINING_HEADER = "x-gatehouse-budget-remaining-usd";
    private static final Logger LOG = LoggerFactory.getLogger(BudgetFilter.class);

    private final BudgetDirectory budgets;
    private final BudgetGuard guard;
    private final BudgetAlerts alerts;
    private final long defaultMaxOutputTokens;

    public BudgetFilter(BudgetDirectory budgets, BudgetGuard guard, BudgetAlerts alerts, long defaultMaxOutputTokens) {
        this.budgets = budgets;
        this.guard = guard;
        this.alerts = alerts;
        this.defaultMaxOutputTokens = defaultMaxOutputTokens;
    }

    @Override
    public int getOrder() {
        return GatewayStep.BUDGET.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        List<SpendAccount> accounts = budgets.accountsFor(context.tenant(), context.principal().keyId(), context.receivedAt());
        if (accounts.isEmpty()) {
            return chain.filter(exchange);
        }
        BigDecimal maxCost = greatestCost(context);
        return Mono.fromFuture(() -> guard.admit(accounts, context.callId(), maxCost))
                .map(Optional::of)
                .onErrorResume(error -> {
                    if (budgets.admitsWhenLimitsUnreachable(context.tenant().id())) {
                        LOG.warn("budget of call {} could not be counted, admitted uncounted as its tenant chose: {}", context.callId(),
                                error.toString());
                        return Mono.just(Optional.empty());
                    }
                    LOG.warn("budget of call {} could not be counted: {}", context.callId(), error.toString());
                    return Mono.error(new ApiProblem(ProblemType.LIMITS_UNAVAILABLE, "The budget cannot be checked right now; retry shortly."));
                })
                .flatMap(counted -> {
                    if (counted.isEmpty()) {
                        return chain.filter(exchange);
                    }
                    Admission admission = counted.get();
                    if (!admission.admitted()) {
                        return Mono.error(refusal(exchange, context, admission, maxCost));
                    }
                    return chain.filter(exchange).doFinally(signal -> settle(context, admission));
                });
    }

    private BigDecimal greatestCost(CallContext context) {
        CatalogModel model = context.model();
        long output = 0;
        if (context.endpoint() != Endpoint.EMBEDDINGS) {
            Integer window = model.description().contextLength();
            output = TokenCounter.requestedOutputTokens(context.body())
                    .orElse(window == null ? defaultMaxOutputTokens : Math.max(0, window - context.promptTokens()));
        }
        return model.priceAt(context.receivedAt()).costOf(context.promptTokens(), output);
    }

    private void settle(CallContext context, Admission admission) {
        BigDecimal cost = context.cost() != null ? context.cost().amount()
                : context.backendAttempts().isEmpty() ? BigDecimal.ZERO : admission.reservedUsd();
        guard.settle(admission, context.callId(), cost).whenComplete((spends, error) -> {
            if (error != null) {
                LOG.warn("budget reservation of call {} not settled (released when its hold expires): {}", context.callId(), error.toString());
                return;
            }
            List<Integer> thresholds = budgets.settings(context.tenant().id()).alertThresholds();
            for (int i = 0; i < spends.size(); i++) {
                alerts.spent(context.tenant().slug(), admission.accounts().get(i), spends.get(i), thresholds);
            }
        });
    }

    private ApiProblem refusal(ServerWebExchange exchange, CallContext context, Admission admission, BigDecimal maxCost) {
        SpendAccount account = admission.refusedBy();
        Spend spend = admission.refusedSpend();
        TenantBudgetSettings settings = budgets.settings(context.tenant().id());
        alerts.refused(context.tenant().slug(), account, spend, settings.alertThresholds());
        Instant reset = account.periodEnd();
        long secondsToReset = Math.max(1, Duration.between(context.receivedAt(), reset).toSeconds());
        BigDecimal limit = BigDecimal.valueOf(account.limitNanos(), 9).stripTrailingZeros();
        exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(RESET_HEADER, reset.toString());
            headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(secondsToReset));
            headers.set(LIMIT_HEADER, limit.toPlainString());
            headers.set(REMAINING_HEADER, admission.remainingUsd().stripTrailingZeros().toPlainString());
        }));
        String whose = account.keyId() == null ? "The tenant's budget" : "This API key's budget";
        return new ApiProblem(ProblemType.BUDGET_EXHAUSTED, whose + " of " + limit.toPlainString() + " USD until " + reset
                + " has " + admission.remainingUsd().stripTrailingZeros().toPlainString() + " USD left, less than this call may cost (up to "
                + maxCost.stripTrailingZeros().toPlainString() + " USD); lower max_tokens, or wait until the period resets.");
    }

    @Override
    public String toString() {
        return "Budget[" + guard + ", greatest cost reserved before the call, settled after; output unbounded: the model's window or "
                + defaultMaxOutputTokens + " tokens]";
    }
}
