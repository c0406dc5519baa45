package dev.gatehouse.scanner.remote;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowBatcherTest {

    /** Every request it is sent, and as logits the first word piece of each window, so answers can be traced. */
    private final List<Integer> requestSizes = new CopyOnWriteArrayList<>();

    private CompletableFuture<float[]> firstPieces(List<long[]> windows) {
        requestSizes.add(windows.size());
        float[] logits = new float[windows.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = windows.get(i)[0];
        }
        return CompletableFuture.completedFuture(logits);
    }

    @Test
    void windowsOfConcurrentScansGoInOneRequestAndEachScanGetsItsOwnLogits() throws Exception {
        try (WindowBatcher batcher = new WindowBatcher("test", this::firstPieces, 64, Duration.ofMillis(500))) {
            List<float[]> answers = concurrently(4, scan -> batcher.logits(List.of(new long[] {scan * 10}, new long[] {scan * 10 + 1})));

            for (int scan = 0; scan < 4; scan++) {
                assertThat(answers.get(scan)).containsExactly(scan * 10, scan * 10 + 1);
            }
            assertThat(requestSizes).containsExactly(8);
        }
    }

    @Test
    void aBatchStaysWithinItsBoundAndAScanIsNeverSplit() throws Exception {
        try (WindowBatcher batcher = new WindowBatcher("test", this::firstPieces, 4, Duration.ofMillis(200))) {
            concurrently(3, scan -> batcher.logits(List.of(new long[] {scan}, new long[] {scan}, new long[] {scan})));
            float[] large = batcher.logits(List.of(new long[] {1}, new long[] {2}, new long[] {3}, new long[] {4}, new long[] {5}))
                    .get(10, TimeUnit.SECONDS);

            assertThat(requestSizes).containsExactly(3, 3, 3, 5);
            assertThat(large).containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void aLoneScanIsSentAfterTheBoundedWait() throws Exception {
        try (WindowBatcher batcher = new WindowBatcher("test", this::firstPieces, 64, Duration.ofMillis(2))) {
            long started = System.nanoTime();
            batcher.logits(List.<long[]>of(new long[] {7})).get(10, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            assertThat(requestSizes).containsExactly(1);
        }
    }

    @Test
    void aFailedRequestFailsEveryScanInIt() throws Exception {
        RemoteClassifierException down = new RemoteClassifierException(RemoteClassifierException.Failure.SERVER_ERROR, "503");
        try (WindowBatcher batcher = new WindowBatcher("test", windows -> CompletableFuture.failedFuture(down), 64, Duration.ofMillis(300))) {
            List<CompletableFuture<float[]>> scans = List.of(batcher.logits(List.<long[]>of(new long[] {1})),
                    batcher.logits(List.<long[]>of(new long[] {2})));

            for (CompletableFuture<float[]> scan : scans) {
                assertThatThrownBy(() -> scan.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(down);
            }
        }
    }

    private interface Scan {
        CompletableFuture<float[]> run(int scan);
    }

    /** Runs the scans on their own threads, all released at once, and waits for their answers. */
    private static List<float[]> concurrently(int scans, Scan scan) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(scans);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < scans; i++) {
                int index = i;
                futures.add(threads.submit(() -> {
                    start.await();
                    return scan.run(index).get(10, TimeUnit.SECONDS);
                }));
            }
            start.countDown();
            List<float[]> answers = new ArrayList<>();
            for (Future<float[]> future : futures) {
                answers.add(future.get(20, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            threads.shutdownNow();
        }
    }
}
