package dev.gatehouse.crypto;

import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Single-threaded encrypt+decrypt throughput of {@link TenantCipher} with the local keystore key service.
 * Run by hand (see README: pin to one core with {@code taskset -c 0}); not a test, never asserts timings.
 */
public final class TenantCipherBenchmark {

    private static final long WARMUP_NANOS = 10_000_000_000L;
    private static final long MEASURE_NANOS = 10_000_000_000L;

    private TenantCipherBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("gatehouse-crypto-benchmark");
        LocalKeystoreKms kms = LocalKeystoreKms.open(directory.resolve("keys.bcfks"),
                MasterSecret.of("benchmark master secret".toCharArray()));
        TenantId tenant = TenantId.of("benchmark");
        kms.createKey(tenant);
        System.out.println("load average before: " + Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf("%-28s %8s %14s %10s %16s%n", "key cache", "payload", "enc+dec ops/s", "MiB/s", "encrypt µs/op");
        for (int size : new int[] {1024, 64 * 1024}) {
            report("defaults (5 min)", TenantCipher.create(kms, KeyCachePolicy.defaults()), tenant, size);
            report("none (data key per object)", TenantCipher.create(kms, KeyCachePolicy.noCaching()), tenant, size);
        }
        System.out.println("load average after: " + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static void report(String label, TenantCipher cipher, TenantId tenant, int size) {
        byte[] payload = CryptoProviders.randomBytes(size);
        EncryptionContext context = EncryptionContext.of("record-1", "audit-content");
        run(cipher, tenant, payload, context, WARMUP_NANOS);
        long[] roundTrips = run(cipher, tenant, payload, context, MEASURE_NANOS);
        double opsPerSecond = roundTrips[0] * 1e9 / roundTrips[1];
        double encryptMicros = encryptOnly(cipher, tenant, payload, context);
        System.out.printf(Locale.ROOT, "%-28s %7dB %14.0f %10.1f %16.1f%n", label, size, opsPerSecond,
                opsPerSecond * size / (1024.0 * 1024.0), encryptMicros);
    }

    /** Returns {operations, elapsed nanoseconds}. */
    private static long[] run(TenantCipher cipher, TenantId tenant, byte[] payload, EncryptionContext context, long nanos) {
        long start = System.nanoTime();
        long operations = 0;
        long checksum = 0;
        while (System.nanoTime() - start < nanos) {
            byte[] decrypted = cipher.decrypt(tenant, cipher.encrypt(tenant, payload, context), context);
            checksum += decrypted[operations % decrypted.length == 0 ? 0 : 1];
            operations++;
        }
        if (checksum == Long.MIN_VALUE) {
            System.out.println(checksum);
        }
        return new long[] {operations, System.nanoTime() - start};
    }

    private static double encryptOnly(TenantCipher cipher, TenantId tenant, byte[] payload, EncryptionContext context) {
        long start = System.nanoTime();
        long operations = 0;
        long length = 0;
        while (System.nanoTime() - start < MEASURE_NANOS / 2) {
            length += cipher.encrypt(tenant, payload, context).length;
            operations++;
        }
        if (length == Long.MIN_VALUE) {
            System.out.println(length);
        }
        return (System.nanoTime() - start) / 1000.0 / operations;
    }
}
