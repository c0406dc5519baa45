package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Rotates a tenant's key-encryption key and then moves every stored content record's data keys to
 * the new version (rewrap): the payload ciphertext is untouched and never decrypted, so rotation
 * needs no plaintext anywhere.
 *
 * <p>A rotation is a job on a thread of its own, never the caller's: a caller that gives up (an
 * HTTP client that disconnects) leaves it to run to the end, and a caller who asks while the
 * tenant's rotation runs gets that rotation's result instead of starting a second one. Every record
 * stays decryptable throughout, since older key versions keep unwrapping. A rotation that stopped
 * half-way (the database or key service went away, the process ended) is completed by the next,
 * which skips the records already on its version.
 */
public final class ContentKeyRotation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContentKeyRotation.class);

    private final TenantCipher cipher;
    private final ContentLog contentLog;
    private final ExecutorService jobs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-key-rotation");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<UUID, CompletableFuture<Result>> running = new HashMap<>();

    public ContentKeyRotation(TenantCipher cipher, ContentLog contentLog) {
        this.cipher = cipher;
        this.contentLog = contentLog;
    }

    public record Result(int keyVersion, int rewrappedRecords) {
    }

    /**
     * The tenant's running rotation, or a new one. Each caller gets a copy of the job's future, so
     * that cancelling it abandons the wait and never the job. A finished job counts as none although
     * its clean-up may not have run yet: a caller's copy can complete before it.
     */
    public synchronized CompletableFuture<Result> rotate(UUID tenantId) {
        CompletableFuture<Result> job = running.get(tenantId);
        if (job == null || job.isDone()) {
            CompletableFuture<Result> started = CompletableFuture.supplyAsync(() -> rotateNow(tenantId), jobs);
            running.put(tenantId, started);
            started.whenComplete((result, failure) -> finished(tenantId, started, failure));
            job = started;
        }
        return job.copy();
    }

    /** Logged here because the caller who started the job may have stopped listening. */
    private synchronized void finished(UUID tenantId, CompletableFuture<Result> job, Throwable failure) {
        running.remove(tenantId, job);
        if (failure != null) {
            LOG.warn("tenant {}: content key rotation stopped before every record was rewrapped; the next rotation completes it: {}",
                    tenantId, (failure instanceof CompletionException ? failure.getCause() : failure).toString());
        }
    }

    private Result rotateNow(UUID tenantId) {
        TenantId tenant = TenantId.of(tenantId.toString());
        int version = cipher.rotateTenantKey(tenant);
        int rewrapped = contentLog.rewriteCiphertexts(tenantId, ciphertext ->
                TenantCipher.keyVersionOf(ciphertext) >= version ? ciphertext : cipher.rewrap(tenant, ciphertext));
        LOG.info("tenant {}: content key rotated to version {}, {} content records rewrapped", tenantId, version, rewrapped);
        return new Result(version, rewrapped);
    }

    /** Stops a running rotation where it is; the next one completes it. */
    @Override
    public void close() {
        jobs.shutdownNow();
    }
}
