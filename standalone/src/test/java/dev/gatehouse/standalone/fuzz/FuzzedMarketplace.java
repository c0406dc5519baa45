package dev.gatehouse.standalone.fuzz;

import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The assembled marketplace for fuzzing, on random ports (the management port too): an application of its own (what the fuzzers create,
 * change and delete touches no other test), with a chat simulator that answers without delay so
 * that a bounded run spends its time on requests, not on simulated token latency.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatehouse.data-dir=target/test-data/${random.uuid}",
        "management.server.port=0",
        "gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms",
        "gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms",
        "gatehouse.gateway.cache-refresh-interval=500ms"
})
@interface FuzzedMarketplace {
}
