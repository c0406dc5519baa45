package dev.gatehouse.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditExport;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.tree.Checkpoint;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.testing.TestJvm;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An export verifies offline, and each kind of change to it, or to the database before it, is found
 * and named: a modified, deleted, reordered or inserted record, a cut tail, a rewritten log, a
 * forged signature, a checkpoint not proved in the global log.
 */
class ExportBundleTest {

    private static final UUID ACME = UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path directory;

    private DataSource dataSource;
    private AuditLog log;
    private Ed25519KeyRing ring;
    private AuditCheckpoints checkpoints;
    private AuditExport export;

    @BeforeEach
    void logWithCheckpointsEveryTenRecords() {
        dataSource = TestPostgres.freshDatabase();
        log = AuditLog.migrate(dataSource);
        ring = Ed25519KeyRing.openOrCreate(directory.resolve("signing.bcfks"), MasterSecret.of("export test secret".toCharArray()));
        checkpoints = new AuditCheckpoints(log, ring, ring::publicKeys, Clock.systemUTC());
        export = new AuditExport(log, checkpoints, ring, Clock.systemUTC());
        for (int batch = 0; batch < 4; batch++) {
            List<AuditEvent> events = new ArrayList<>();
            for (int i = batch * 10; i < batch * 10 + 10; i++) {
                events.add(new AuditEvent("call-" + i, "request, \"quoted\"", ACME, START.plusSeconds(i), "model_call", Map.of("status", 200, "n", i)));
            }
            log.append(events);
            checkpoints.sign(ACME);
        }
        log.append(List.of(new AuditEvent("other-tenant", null, UUID.randomUUID(), START, "model_call", Map.of())));
    }

    @ParameterizedTest
    @EnumSource(AuditExport.Format.class)
    void anUntouchedExportVerifies(AuditExport.Format format) throws Exception {
        Path bundle = exportWindow(5, 36, format);

        BundleVerifier.Result result = BundleVerifier.verify(bundle);

        assertThat(result.problems()).isEmpty();
        assertThat(result.notes()).first().asString().contains("records 5 to 35 of 40");
        assertThat(result.notes()).anySatisfy(note -> assertThat(note).contains("of the global log of size"));
    }

    @Test
    void theExportedCheckpointIsProvedALeafOfTheSignedGlobalLog() throws Exception {
        Path bundle = exportWindow(5, 36, AuditExport.Format.JSONL);

        JsonNode global = JSON.readTree(entryText(bundle, "global.json"));
        String checkpoint = entryText(bundle, "checkpoint.txt");
        Checkpoint globalHead = Checkpoint.parse(global.path("global_checkpoint").asText().substring(0,
                global.path("global_checkpoint").asText().lastIndexOf("\u2014 ")));
        assertThat(globalHead.logId()).isEqualTo(AuditLog.GLOBAL_LOG);
        assertThat(log.record(AuditLog.GLOBAL_LOG, global.path("leaf_index").asLong()).orElseThrow().eventJson()).isEqualTo(checkpoint);
    }

    @Test
    void findsAChangedInclusionProofInTheGlobalLog() throws Exception {
        Path bundle = rewriteEntry(exportWindow(5, 36, AuditExport.Format.JSONL), "global.json", json -> {
            ObjectNode global = (ObjectNode) readJson(json);
            global.put("leaf_index", global.path("leaf_index").asLong() + 1);
            return global.toString();
        });

        assertThat(BundleVerifier.verify(bundle).problems()).anySatisfy(problem -> assertThat(problem)
                        .startsWith("global.json: checkpoint.txt is not proved to be leaf "))
                .contains("global.json: its SHA-256 is not the one the signed manifest lists (the file was changed)");
    }

    @Test
    void findsAForgedGlobalCheckpoint() throws Exception {
        Path bundle = rewriteEntry(exportWindow(5, 36, AuditExport.Format.JSONL), "global.json", json -> {
            ObjectNode global = (ObjectNode) readJson(json);
            String note = global.path("global_checkpoint").asText();
            String[] lines = note.split("\n", -1);
            lines[1] = String.valueOf(Long.parseLong(lines[1]) + 1);
            global.put("global_checkpoint", String.join("\n", lines));
            return global.toString();
        });

        assertThat(BundleVerifier.verify(bundle).problems()).contains("global.json: the global checkpoint: the signature is wrong");
    }

    @Test
    void findsTheGlobalLogProofRemoved() throws Exception {
        Path bundle = removeEntry(exportWindow(5, 36, AuditExport.Format.JSONL), "global.json");

        assertThat(BundleVerifier.verify(bundle).problems()).contains("global.json: listed in the manifest but missing from the bundle",
                "global.json: missing (a bundle of format 2 proves its checkpoint in the global log)");
    }

    @Test
    void anExportOfTheWholeLogVerifies() throws Exception {
        assertThat(BundleVerifier.verify(exportWindow(0, 40, AuditExport.Format.JSONL)).problems()).isEmpty();
    }

    @Test
    void namesAModifiedRecord() throws Exception {
        Path bundle = rewriteRecords(exportWindow(5, 36, AuditExport.Format.JSONL), lines -> {
            lines.set(7, lines.get(7).replace("\\\"status\\\":200", "\\\"status\\\":403"));
            return lines;
        });

        assertThat(BundleVerifier.verify(bundle).problems()).contains("record 12: modified (its content does not hash to its leaf hash)")
                .contains("records.jsonl: its SHA-256 is not the one the signed manifest lists (the file was changed)");
    }

    @Test
    void namesADeletedRecord() throws Exception {
        Path bundle = rewriteRecords(exportWindow(5, 36, AuditExport.Format.CSV), lines -> {
            lines.remove(4);
            return lines;
        });

        assertThat(BundleVerifier.verify(bundle).problems()).contains("record 9: missing (deleted) before record 10");
    }

    @Test
    void namesReorderedRecords() throws Exception {
        Path bundle = rewriteRecords(exportWindow(5, 36, AuditExport.Format.JSONL), lines -> {
            Collections.swap(lines, 2, 3);
            return lines;
        });

        assertThat(BundleVerifier.verify(bundle).problems()).contains("record 7: missing (deleted) before record 8", "record 7: out of order, or inserted (it follows record 8)");
    }

    @Test
    void namesAnInsertedRecord() throws Exception {
        Path bundle = rewriteRecords(exportWindow(5, 36, AuditExport.Format.JSONL), lines -> {
            lines.add(3, lines.get(3));
            return lines;
        });

        assertThat(BundleVerifier.verify(bundle).problems()).contains("record 8: out of order, or inserted (it follows record 8)")
                .contains("records: the bundle holds 1 records more than the manifest's range (records were inserted)");
    }

    @Test
    void findsACutTail() throws Exception {
        Path bundle = rewriteRecords(exportWindow(5, 36, AuditExport.Format.JSONL), lines -> lines.subList(0, lines.size() - 3));

        assertThat(BundleVerifier.verify(bundle).problems())
                .contains("records: the bundle ends before record 33, the manifest promises records up to 35 (the tail was cut)");
    }

    @Test
    void findsARewrittenLogThroughTheCheckpointsSignedBeforeIt() throws Exception {
        JdbcClient sql = JdbcClient.create(dataSource);
        String forged = log.record(ACME, 14).orElseThrow().eventJson().replace("\"status\":200", "\"status\":403");
        sql.sql("UPDATE audit.entries SET leaf = :leaf, leaf_hash = sha256('\\x00'::bytea || convert_to(:leaf, 'UTF8')) WHERE log_id = :log AND idx = 14")
                .param("leaf", forged).param("log", ACME).update();

        BundleVerifier.Result result = BundleVerifier.verify(exportWindow(5, 36, AuditExport.Format.JSONL));

        assertThat(result.problems()).contains(
                "records 10 to 19: do not match the checkpoint signed at size 20 (one of them was changed, or the log rewritten)");
    }

    @Test
    void findsAForgedCheckpointSignature() throws Exception {
        Path bundle = rewriteEntry(exportWindow(5, 36, AuditExport.Format.JSONL), "checkpoint.txt",
                note -> note.replaceFirst("\n40\n", "\n41\n"));

        assertThat(BundleVerifier.verify(bundle).problems()).contains("checkpoint.txt: the signature is wrong");
    }

    @Test
    void findsAManifestChangedToHideAChange() throws Exception {
        Path bundle = rewriteEntry(exportWindow(5, 36, AuditExport.Format.JSONL), "manifest.json",
                manifest -> manifest.replace("\"end_index\" : 36", "\"end_index\" : 33"));

        assertThat(BundleVerifier.verify(bundle).problems()).contains("manifest.json: the signature is wrong");
    }

    @Test
    void theCommandExitsZeroOnlyForABundleThatVerifies() throws Exception {
        Path good = exportWindow(5, 36, AuditExport.Format.JSONL);
        Path bad = rewriteRecords(exportWindow(5, 36, AuditExport.Format.JSONL), lines -> lines.subList(0, 10));

        assertThat(runCommand(good)).isZero();
        assertThat(runCommand(bad)).isEqualTo(1);
    }

    private Path exportWindow(int firstSecond, int endSecond, AuditExport.Format format) throws IOException {
        AuditExport.Plan plan = export.plan(ACME, "acme", START.plusSeconds(firstSecond), START.plusSeconds(endSecond), format);
        Path bundle = Files.createTempFile(directory, "bundle", ".zip");
        try (OutputStream out = Files.newOutputStream(bundle)) {
            export.write(plan, out, written -> { });
        }
        return bundle;
    }

    private Path rewriteRecords(Path bundle, UnaryOperator<List<String>> change) throws IOException {
        String name;
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            name = zip.getEntry("records.csv") != null ? "records.csv" : "records.jsonl";
        }
        boolean csv = name.endsWith(".csv");
        return rewriteEntry(bundle, name, text -> {
            List<String> lines = new ArrayList<>(List.of(text.split(csv ? "\r\n" : "\n")));
            String header = csv ? lines.remove(0) : null;
            List<String> changed = new ArrayList<>(change.apply(lines));
            if (header != null) {
                changed.add(0, header);
            }
            return String.join(csv ? "\r\n" : "\n", changed) + (csv ? "\r\n" : "\n");
        });
    }

    private Path rewriteEntry(Path bundle, String name, UnaryOperator<String> change) throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        entries.put(name, change.apply(new String(entries.get(name), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        return zipOf(entries);
    }

    private Path removeEntry(Path bundle, String name) throws IOException {
        Map<String, byte[]> entries = entries(bundle);
        entries.remove(name);
        return zipOf(entries);
    }

    private static String entryText(Path bundle, String name) throws IOException {
        return new String(entries(bundle).get(name), StandardCharsets.UTF_8);
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> entries(Path bundle) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    private Path zipOf(Map<String, byte[]> entries) throws IOException {
        Path tampered = Files.createTempFile(directory, "tampered", ".zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tampered))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return tampered;
    }

    private static int runCommand(Path bundle) throws Exception {
        Process process = new ProcessBuilder(TestJvm.command(List.of(), VerifyCommand.class, bundle.toString()))
                .redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor();
    }
}
