package dev.gatehouse.gateway.limits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.limits.RateLimiter.Admission;
import dev.gatehouse.gateway.limits.RateLimiter.Party;
import dev.gatehouse.gateway.metering.CallMetrics;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.gateway.metering.TokenUsage;
import dev.gatehouse.gateway.metering.UsageRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The work the rate-limit and metering steps add to one call, in isolation and warm, run by hand
 * (numbers go into docs/benchmarks.md): count the prompt's tokens, admit against the tenant's and
 * the key's buckets, settle, record the call's metrics. Limits in memory, or in the Redis named by
 * the first argument ({@code redis://127.0.0.1:6379}). Latency per call (p50, p99) and this
 * thread's CPU per call; Redis's own CPU is not included.
 */
public final class LimitStepsBenchmark {

    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 50_000;

    private LimitStepsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (LimitBuckets buckets = args.length == 0 ? new LocalLimitBuckets() : RedisLimitBuckets.connect(URI.create(args[0]), Duration.ofSeconds(1))) {
            RateLimiter limiter = new RateLimiter(buckets);
            TokenCounter tokens = new TokenCounter();
            CallMetrics metrics = new CallMetrics(new SimpleMeterRegistry(), 100);
            ObjectNode body = new ObjectMapper().createObjectNode().put("model", "chat-simulator");
            body.putArray("messages").addObject().put("role", "user")
                    .put("content", "Hello Gatehouse, please summarise the benefits of data residency.");
            List<Party> parties = List.of(new Party("tenant:bench", new RateLimits(10_000_000, 10_000_000_000L)),
                    new Party("key:bench", new RateLimits(10_000_000, 10_000_000_000L)));
            UUID tenant = UUID.randomUUID();
            for (int call = 0; call < WARM_UP; call++) {
                oneCall(limiter, tokens, metrics, body, parties, tenant);
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[] nanos = new long[MEASURED];
            long cpuBefore = threads.getCurrentThreadCpuTime();
            for (int call = 0; call < MEASURED; call++) {
                long started = System.nanoTime();
                oneCall(limiter, tokens, metrics, body, parties, tenant);
                nanos[call] = System.nanoTime() - started;
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            Arrays.sort(nanos);
            System.out.printf("%s: p50 %.1f µs, p99 %.1f µs, CPU %.1f µs per call%n", buckets, nanos[MEASURED / 2] / 1000.0,
                    nanos[MEASURED * 99 / 100] / 1000.0, cpu / 1000.0 / MEASURED);
        }
    }

    private static void oneCall(RateLimiter limiter, TokenCounter tokens, CallMetrics metrics, ObjectNode body, List<Party> parties, UUID tenant) {
        int prompt = tokens.countPrompt("chat-simulator", body);
        Admission admission = limiter.admit(parties, prompt).join();
        limiter.settle(admission, prompt + 12).join();
        metrics.record("bench", new UsageRecord("c", "r", tenant, "k", "/v1/chat/completions", "chat-simulator", "b", "eu-central", 200,
                false, new TokenUsage(prompt, 12, true), null, BigDecimal.ONE, 5, 2L, Instant.EPOCH));
    }
}
