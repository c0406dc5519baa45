package dev.gatehouse.gateway.routing;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class InferenceServerLoadTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void readsVllmsQueueRunningRequestsAndKvCacheSummedOverItsEngines() {
        String exposition = """
                # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
                vllm:num_requests_waiting{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
                vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12.0
                vllm:gpu_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.42
                vllm:gpu_cache_usage_perc{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.71
                vllm:prompt_tokens_total{model_name="m"} 123456.0
                """;

        InferenceServerLoad load = InferenceServerLoad.parse(exposition, NOW).orElseThrow();

        assertThat(load.waiting()).isEqualTo(7.0);
        assertThat(load.running()).isEqualTo(12.0);
        assertThat(load.kvCacheUsage()).isEqualTo(0.71);
        assertThat(load.scrapedAt()).isEqualTo(NOW);
    }

    @Test
    void readsTgisQueueWithATimestampAfterTheValue() {
        InferenceServerLoad load = InferenceServerLoad.parse("tgi_queue_size 5 1733054400000\ntgi_batch_current_size 2\n", NOW).orElseThrow();

        assertThat(load.waiting()).isEqualTo(5.0);
        assertThat(load.running()).isEqualTo(2.0);
        assertThat(load.kvCacheUsage()).isZero();
    }

    @Test
    void aServerWithoutInferenceMetricsHasNoLoadToShow() {
        assertThat(InferenceServerLoad.parse("process_cpu_seconds_total 12.5\n", NOW)).isEmpty();
        assertThat(InferenceServerLoad.parse("<html>not found</html>", NOW)).isEmpty();
    }

    @Test
    void unreadableNegativeAndOutOfRangeSamplesAreNotBelieved() {
        InferenceServerLoad load = InferenceServerLoad.parse("""
                vllm:num_requests_waiting NaN
                vllm:num_requests_waiting -4
                vllm:num_requests_waiting{engine="0"} lots
                vllm:num_requests_running 1
                vllm:gpu_cache_usage_perc 7.5
                """, NOW).orElseThrow();

        assertThat(load.waiting()).isZero();
        assertThat(load.running()).isEqualTo(1.0);
        assertThat(load.kvCacheUsage()).isEqualTo(1.0);
    }
}
