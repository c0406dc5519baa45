package dev.gatehouse.standalone;

import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The assembled marketplace on random ports (the management port too), with a fresh data
 * directory, a quick chat simulator and quick budget-alert retries. Test classes that share this
 * annotation share one running application. The simulator still paces its tokens, so that streams
 * arrive in pieces, but by a few milliseconds: hundreds of the suite's chats go through it, and its
 * latency was most of their time.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatehouse.data-dir=target/test-data/${random.uuid}",
        "management.server.port=0",
        "gatehouse.builtin-backends.chat-simulator.first-token-latency=5ms",
        "gatehouse.builtin-backends.chat-simulator.inter-token-latency=1ms",
        "gatehouse.gateway.cache-refresh-interval=500ms",
        "gatehouse.budgets.webhook-poll-interval=200ms",
        "gatehouse.budgets.webhook-retry-base=200ms"
})
@interface MarketplaceTest {
}
