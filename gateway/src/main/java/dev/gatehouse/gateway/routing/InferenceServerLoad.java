package dev.gatehouse.gateway.routing;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What an inference server last said about its own load in its Prometheus metrics: requests waiting
 * for a slot, requests running, and the share of its KV cache in use (0 to 1). vLLM reports all
 * three ({@code vllm:num_requests_waiting}, {@code vllm:num_requests_running},
 * {@code vllm:gpu_cache_usage_perc}, or {@code vllm:kv_cache_usage_perc} in newer releases); TGI
 * reports its queue ({@code tgi_queue_size}) and, where it does, running batch size. A metric the
 * server does not report is zero, and a server that reports none of them has no load to show.
 */
public record InferenceServerLoad(double waiting, double running, double kvCacheUsage, Instant scrapedAt) {

    /** Parses Prometheus text exposition, summing a metric's series (vLLM labels them by model and engine). */
    public static Optional<InferenceServerLoad> parse(String exposition, Instant scrapedAt) {
        Sum waiting = new Sum();
        Sum running = new Sum();
        Sum cache = new Sum();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = metricName(line);
            OptionalDouble value = sampleValue(line);
            if (value.isEmpty()) {
                continue;
            }
            switch (name) {
                case "vllm:num_requests_waiting", "tgi_queue_size" -> waiting.add(value.getAsDouble());
                case "vllm:num_requests_running", "tgi_batch_current_size" -> running.add(value.getAsDouble());
                case "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc" -> cache.max(value.getAsDouble());
                default -> {
                }
            }
        }
        if (!waiting.seen && !running.seen && !cache.seen) {
            return Optional.empty();
        }
        return Optional.of(new InferenceServerLoad(waiting.value, running.value, Math.min(1, Math.max(0, cache.value)), scrapedAt));
    }

    private static String metricName(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }

    /** The value after the name and labels; a trailing timestamp is ignored. */
    private static OptionalDouble sampleValue(String line) {
        int labelsEnd = line.lastIndexOf('}');
        String rest = (labelsEnd >= 0 ? line.substring(labelsEnd + 1) : line.substring(metricName(line).length())).strip();
        String[] parts = rest.split("\\s+");
        try {
            double value = Double.parseDouble(parts[0]);
            return Double.isFinite(value) && value >= 0 ? OptionalDouble.of(value) : OptionalDouble.empty();
        } catch (NumberFormatException unreadable) {
            return OptionalDouble.empty();
        }
    }

    private static final class Sum {
        private double value;
        private boolean seen;

        void add(double sample) {
            value += sample;
            seen = true;
        }

        /** Several engines of one server each report their cache; the fullest one bounds new work. */
        void max(double sample) {
            value = seen ? Math.max(value, sample) : sample;
            seen = true;
        }
    }
}
