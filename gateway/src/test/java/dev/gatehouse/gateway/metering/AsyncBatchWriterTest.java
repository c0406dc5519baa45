package dev.gatehouse.gateway.metering;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AsyncBatchWriterTest {

    @Test
    void writesEverythingSubmittedInOrderByFlush() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        try (AsyncBatchWriter<Integer> writer = new AsyncBatchWriter<>("test", 10_000, written::addAll)) {
            for (int i = 0; i < 2_000; i++) {
                writer.submit(i);
            }
            assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        }

        assertThat(written).hasSize(2_000).isSorted();
    }

    @Test
    void closingWritesEverythingStillQueuedFirst() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        AsyncBatchWriter<Integer> writer = new AsyncBatchWriter<>("closing", 10_000, batch -> {
            sleepQuietly(Duration.ofMillis(20));
            written.addAll(batch);
        });
        for (int i = 0; i < 2_000; i++) {
            writer.submit(i);
        }

        writer.close();

        assertThat(written).hasSize(2_000);
        assertThat(writer.unwrittenCount()).isZero();
    }

    @Test
    void retriesAFailedBatchUntilItIsWritten() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<String> written = new CopyOnWriteArrayList<>();
        try (AsyncBatchWriter<String> writer = new AsyncBatchWriter<>("flaky", 1_000, batch -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("database away");
            }
            written.addAll(batch);
        })) {
            writer.submit("record");
            assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        }

        assertThat(written).containsExactly("record");
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void countsRecordsItHadNoRoomFor() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (AsyncBatchWriter<Integer> writer = new AsyncBatchWriter<>("slow", 1_000, batch -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            // At most the queue (1,000) plus the one batch the writer holds (500) can be taken in.
            int submitted = 3_000;
            int accepted = 0;
            for (int i = 0; i < submitted; i++) {
                accepted += writer.submit(i) ? 1 : 0;
            }
            release.countDown();

            assertThat(accepted).isLessThanOrEqualTo(1_500);
            assertThat(writer.droppedCount()).isEqualTo(submitted - accepted);
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
