package dev.gatehouse.standalone;

import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.gateway.plane.ProcessMode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.Arrays;

/**
 * In a process that serves one plane, a call meant for the other one is answered 404 with a problem
 * that says where it is served, so that a misrouted client or ingress is told, not left guessing;
 * the other plane's routes do not exist in this process at all.
 */
final class PlaneBoundary implements WebFilter, Ordered {

    private final ProcessMode mode;

    PlaneBoundary(ProcessMode mode) {
        this.mode = mode;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        return Arrays.stream(Plane.values())
                .filter(plane -> !mode.serves(plane) && plane.owns(path))
                .findFirst()
                .<Mono<Void>>map(elsewhere -> Mono.error(new ApiProblem(ProblemType.NOT_FOUND,
                        "This process runs with " + ProcessMode.PROPERTY + "=" + mode.settingValue() + " and does not serve this path: "
                                + elsewhere.description() + " does.")))
                .orElseGet(() -> chain.filter(exchange));
    }

    /** Right after the request id, before anything reads the request. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
