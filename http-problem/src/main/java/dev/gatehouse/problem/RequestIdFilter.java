package dev.gatehouse.problem;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Names every HTTP exchange before anything else runs: the caller's {@code X-Request-Id} when it is
 * well formed (so a client can correlate its own logs), a fresh UUID otherwise. The id is echoed in
 * the {@code X-Request-Id} response header and is the {@code request_id} of every problem, on the
 * model endpoints and the admin APIs alike.
 */
public final class RequestIdFilter implements WebFilter, Ordered {

    private static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
    /** No spaces, quotes or angle brackets: the id is written to logs and headers verbatim. */
    private static final Pattern ACCEPTABLE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    /** The exchange's request id, assigned on first use, so that it is there even where this filter did not run. */
    public static String requestIdOf(ServerWebExchange exchange) {
        String assigned = exchange.getAttribute(ATTRIBUTE);
        if (assigned != null) {
            return assigned;
        }
        String offered = exchange.getRequest().getHeaders().getFirst(ProblemJson.REQUEST_ID_HEADER);
        String requestId = offered != null && ACCEPTABLE_REQUEST_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        exchange.getAttributes().put(ATTRIBUTE, requestId);
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(ProblemJson.REQUEST_ID_HEADER, requestId);
            return Mono.empty();
        });
        return requestId;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        requestIdOf(exchange);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
