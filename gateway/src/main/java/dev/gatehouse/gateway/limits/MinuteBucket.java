package dev.gatehouse.gateway.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;

import java.time.Duration;

/**
 * A token bucket that holds up to {@code capacity} and refills at that many per minute, evenly:
 * a limit per minute without the burst at each minute's turn that fixed windows allow. It is named
 * with its capacity, so that a plan change starts a bucket of the new size.
 */
public record MinuteBucket(String name, long capacity) {

    public MinuteBucket {
        if (capacity < 1) {
            throw new IllegalArgumentException("a bucket holds at least one token");
        }
    }

    String key() {
        return "gatehouse:limits:" + name + ":" + capacity;
    }

    Bandwidth bandwidth() {
        return Bandwidth.builder().capacity(capacity).refillGreedy(capacity, Duration.ofMinutes(1)).build();
    }

    BucketConfiguration configuration() {
        return BucketConfiguration.builder().addLimit(bandwidth()).build();
    }
}
