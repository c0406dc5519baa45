package dev.gatehouse.backends;

import java.time.Duration;

/**
 * How the chat simulator paces its output, to stand in for a GPU server's time to first token
 * and inter-token latency.
 */
public record ChatSimulatorSettings(Duration firstTokenLatency, Duration interTokenLatency, int maxCompletionTokens) {

    public static final ChatSimulatorSettings DEFAULTS = new ChatSimulatorSettings(Duration.ofMillis(50), Duration.ofMillis(10), 256);

    public ChatSimulatorSettings {
        if (firstTokenLatency.isNegative() || interTokenLatency.isNegative()) {
            throw new IllegalArgumentException("latencies must not be negative");
        }
        if (maxCompletionTokens < 1) {
            throw new IllegalArgumentException("maxCompletionTokens must be at least 1");
        }
    }
}
