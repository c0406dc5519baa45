package dev.gatehouse.gateway;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * The gateway's own worker pools for blocking or CPU-bound steps (prompt scanning, remote policy
 * decisions), each bounded in threads and in queued tasks: under overload a call is refused at
 * once with 503 {@code gateway_overloaded} instead of waiting behind thousands of others.
 */
public final class WorkerPools {

    private WorkerPools() {
    }

    public static Scheduler bounded(String name, int threads, int queuedTasks) {
        return Schedulers.newBoundedElastic(threads, queuedTasks, name);
    }

    /** Runs the blocking work on the pool; a full pool is the caller's 503, not a 500. */
    public static <T> Mono<T> on(Scheduler pool, Mono<T> work, String what) {
        return work.subscribeOn(pool).onErrorMap(RejectedExecutionException.class, full -> new ApiProblem(ProblemType.GATEWAY_OVERLOADED,
                "The gateway has as many " + what + " waiting as it takes; retry shortly.").retryAfter(Duration.ofSeconds(1)));
    }
}
