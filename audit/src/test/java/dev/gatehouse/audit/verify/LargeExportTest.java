package dev.gatehouse.audit.verify;

import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.testing.TestJvm;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million records, far more than a 64 MB heap holds (some 400 MB of JSON lines), export and
 * verify in a JVM whose heap is limited to 64 MB: the export streams a page at a time, and the
 * verifier reads a line at a time. {@code -Dgatehouse.large-export.records=N} changes the count
 * for a quicker local run. Filling the log and exporting it are minutes of computation, so both
 * run in fully compiled JVMs of their own ({@link TestJvm#fullyCompiled}).
 */
class LargeExportTest {

    static final String SECRET = "large export test secret";
    private static final int RECORDS = Integer.getInteger("gatehouse.large-export.records", 1_000_000);

    @TempDir
    Path directory;

    @Test
    void moreRecordsThanTheHeapHoldsExportAndVerifyInABoundedHeap() throws Exception {
        PGSimpleDataSource database = (PGSimpleDataSource) TestPostgres.freshDatabase();
        UUID tenant = UUID.randomUUID();
        String filled = runToTheEnd(TestJvm.fullyCompiled(List.of(), LargeLogFill.class,
                database.getURL(), tenant.toString(), String.valueOf(RECORDS)));
        assertThat(filled).contains("appended " + RECORDS + " records");

        Path keyRing = directory.resolve("signing.bcfks");
        Ed25519KeyRing.openOrCreate(keyRing, MasterSecret.of(SECRET.toCharArray()));
        String exported = runToTheEnd(TestJvm.fullyCompiled(List.of("-Xmx64m"), BoundedMemoryExport.class,
                database.getURL(), tenant.toString(), keyRing.toString(), directory.resolve("bundle.zip").toString()));
        assertThat(exported).contains("VERIFIED " + RECORDS);
    }

    private static String runToTheEnd(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        System.out.print(output);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
