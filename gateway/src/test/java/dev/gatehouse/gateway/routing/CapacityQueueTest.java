package dev.gatehouse.gateway.routing;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CapacityQueueTest {

    private final CapacityQueue queue = new CapacityQueue(2);

    @Test
    void aFreedSlotWakesAWaitingCallOfTheSameModel() {
        StepVerifier.create(queue.awaitFreeSlot("m", Duration.ofSeconds(30)))
                .then(() -> queue.slotFreed("other-model"))
                .then(() -> assertThat(queue.waiting("m")).isEqualTo(1))
                .then(() -> queue.slotFreed("m"))
                .expectNext(true)
                .verifyComplete();
        assertThat(queue.waiting("m")).isZero();
    }

    @Test
    void aCallThatFindsTheQueueFullIsToldAtOnce() {
        StepVerifier.create(queue.awaitFreeSlot("m", Duration.ofSeconds(30)).zipWith(queue.awaitFreeSlot("m", Duration.ofSeconds(30)))
                        .zipWith(queue.awaitFreeSlot("m", Duration.ofSeconds(30))))
                .then(() -> assertThat(queue.waiting("m")).isEqualTo(2))
                .then(() -> {
                    queue.slotFreed("m");
                    queue.slotFreed("m");
                })
                .assertNext(all -> assertThat(all.getT2()).as("the third found the queue full").isFalse())
                .verifyComplete();
    }

    @Test
    void aWaiterLooksAgainOnItsOwnSoThatAMissedReleaseCostsLittle() {
        StepVerifier.withVirtualTime(() -> queue.awaitFreeSlot("m", Duration.ofSeconds(30)))
                .expectSubscription()
                .thenAwait(CapacityQueue.RECHECK)
                .expectNext(true)
                .verifyComplete();
    }
}
