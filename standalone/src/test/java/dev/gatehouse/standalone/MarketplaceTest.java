package dev.gatehouse.standalone;

import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The assembled marketplace on random ports (the management port too), with a fresh data
 * directory, a quick chat simulator and quick budget-alert retries. Test classes that share this annotation share one
 * running application.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatehouse.data-dir=target/test-data/${random.uuid}",
        "management.server.port=0",
        "gatehouse.builtin-backends.chat-simulator.first-token-latency=20ms",
        "gatehouse.builtin-backends.chat-simulator.inter-token-latency=15ms",
        "gatehouse.gateway.cache-refresh-interval=500ms",
        "gatehouse.budgets.webhook-poll-interval=200ms",
        "gatehouse.budgets.webhook-retry-base=200ms"
})
@interface MarketplaceTest {
}
