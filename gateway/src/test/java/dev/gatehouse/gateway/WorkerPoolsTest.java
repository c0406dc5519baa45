package dev.gatehouse.gateway;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerPoolsTest {

    @Test
    void aFullPoolRefusesTheNextCallAtOnceWith503AndRetryAfter() throws InterruptedException {
        Scheduler pool = WorkerPools.bounded("test-pool", 1, 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Mono<String> blocking = Mono.fromCallable(() -> {
                running.countDown();
                release.await();
                return "done";
            });
            WorkerPools.on(pool, blocking, "scans").subscribe();
            assertThat(running.await(5, TimeUnit.SECONDS)).as("the pool's one thread is busy").isTrue();
            WorkerPools.on(pool, blocking, "scans").subscribe();

            StepVerifier.create(WorkerPools.on(pool, Mono.just("more"), "scans"))
                    .expectErrorSatisfies(refused -> {
                        assertThat(refused).isInstanceOf(ApiProblem.class);
                        assertThat(((ApiProblem) refused).type()).isEqualTo(ProblemType.GATEWAY_OVERLOADED);
                        assertThat(((ApiProblem) refused).retryAfter()).isEqualTo(Duration.ofSeconds(1));
                    })
                    .verify(Duration.ofSeconds(5));
        } finally {
            release.countDown();
            pool.dispose();
        }
    }

    @Test
    void workWithinTheBoundsRunsOnThePool() {
        Scheduler pool = WorkerPools.bounded("test-pool", 1, 1);
        try {
            StepVerifier.create(WorkerPools.on(pool, Mono.fromCallable(() -> Thread.currentThread().getName()), "scans"))
                    .assertNext(thread -> assertThat(thread).startsWith("test-pool"))
                    .verifyComplete();
        } finally {
            pool.dispose();
        }
    }
}
