package dev.gatehouse.benchmark;

import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.standalone.GatehouseApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Benchmark only, never shipped: the marketplace with its rate-limit, budget and metering steps
 * doing nothing, to measure what they cost per call (docs/benchmarks.md). The gateway has no switch
 * to skip them; this launcher swaps the three filter beans, in test sources, and nothing else.
 */
public final class LimitStepsOffMarketplace {

    private LimitStepsOffMarketplace() {
    }

    /** Same arguments as {@code ./gatehouse}. */
    public static void main(String[] args) {
        new SpringApplicationBuilder(GatehouseApplication.class, LimitStepsOff.class)
                .properties("spring.main.allow-bean-definition-overriding=true")
                .run(args);
    }

    /** Replaces the gateway's beans of the same names; not a {@code @Configuration}, so only where passed as a source. */
    static final class LimitStepsOff {

        @Bean
        GlobalFilter rateLimitFilter() {
            return new PassThrough(GatewayStep.RATE_LIMIT);
        }

        @Bean
        GlobalFilter budgetFilter() {
            return new PassThrough(GatewayStep.BUDGET);
        }

        @Bean
        GlobalFilter meteringFilter() {
            return new PassThrough(GatewayStep.METERING);
        }
    }

    private record PassThrough(GatewayStep step) implements GlobalFilter, Ordered {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
            return chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return step.order();
        }
    }
}
