package dev.gatehouse.audit.verify;

import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.audit.AuditExport;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Run in a JVM of its own with a small heap ({@link LargeExportTest}): exports a whole log to a file,
 * then verifies the file, and prints what it took. Exits 0 only when the bundle verifies.
 * Arguments: JDBC URL, log id, key ring file, bundle file.
 */
public final class BoundedMemoryExport {

    private BoundedMemoryExport() {
    }

    public static void main(String[] arguments) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(arguments[0]);
        dataSource.setUser("postgres");
        UUID logId = UUID.fromString(arguments[1]);
        Ed25519KeyRing ring = Ed25519KeyRing.openOrCreate(Path.of(arguments[2]), MasterSecret.of(LargeExportTest.SECRET.toCharArray()));
        Path bundle = Path.of(arguments[3]);
        AuditLog log = AuditLog.migrate(dataSource);
        AuditCheckpoints checkpoints = new AuditCheckpoints(log, ring, ring::publicKeys, Clock.systemUTC());
        AuditExport export = new AuditExport(log, checkpoints, ring, Clock.systemUTC());

        long started = System.nanoTime();
        AuditExport.Plan plan = export.plan(logId, "large", Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), AuditExport.Format.JSONL);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(bundle))) {
            export.write(plan, out, written -> { });
        }
        double exportSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        BundleVerifier.Result result = BundleVerifier.verify(bundle);
        double verifySeconds = (System.nanoTime() - started) / 1e9;

        long recordBytes;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(bundle.toFile())) {
            recordBytes = zip.getEntry(AuditExport.Format.JSONL.fileName()).getSize();
        }
        System.out.printf("exported %d records (%.1f MB of JSON lines, a %.1f MB zip) in %.1f s: %.0f records/s, %.1f MB/s of records;"
                        + " verified in %.1f s (%.0f records/s); heap limit %d MB%n",
                plan.recordCount(), recordBytes / 1e6, Files.size(bundle) / 1e6, exportSeconds, plan.recordCount() / exportSeconds,
                recordBytes / 1e6 / exportSeconds, verifySeconds, plan.recordCount() / verifySeconds, Runtime.getRuntime().maxMemory() >> 20);
        result.problems().forEach(problem -> System.out.println("FAILED: " + problem));
        System.out.println(result.verified() ? "VERIFIED " + plan.recordCount() : "NOT VERIFIED");
        System.exit(result.verified() ? 0 : 1);
    }
}
