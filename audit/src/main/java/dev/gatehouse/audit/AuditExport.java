package dev.gatehouse.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.audit.tree.CompactRange;
import dev.gatehouse.crypto.signing.Signer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tenant's audit records of a time window as a signed bundle an auditor verifies offline (see
 * audit/README.md): a zip of the records ({@code records.jsonl} or {@code records.csv}), a freshly
 * signed checkpoint, the proof that ties the records to it, the checkpoints signed meanwhile, the
 * checkpoint's inclusion proof in the global log with the global log's signed checkpoint, the
 * public keys, and a signed manifest with every file's SHA-256. The bundle holds one contiguous range
 * of the log (from the window's first record to its last), since only a range can be proved whole;
 * it is written as it is read, a page of records at a time, so memory does not grow with its size.
 */
public final class AuditExport {

    /** 2: with {@code global.json}, the tie to the global log. */
    public static final int FORMAT_VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final AuditLog log;
    private final AuditCheckpoints checkpoints;
    private final Signer signer;
    private final Clock clock;

    public AuditExport(AuditLog log, AuditCheckpoints checkpoints, Signer signer, Clock clock) {
        this.log = log;
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.clock = clock;
    }

    public enum Format {
        JSONL, CSV;

        public String fileName() {
            return "records." + name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What an export will hold: the log's records [first, end) under the checkpoint of size
     * {@code checkpoint.size()}, and that checkpoint's place in the global log (both null for an empty log).
     */
    public record Plan(UUID logId, String tenantSlug, Instant from, Instant to, Format format, long first, long end,
                       AuditCheckpoints.SignedCheckpoint checkpoint, AuditCheckpoints.GlobalInclusion global) {

        public long recordCount() {
            return end - first;
        }
    }

    /** Signs the log's current head (on demand) and finds the range of the window's records under it. */
    public Plan plan(UUID logId, String tenantSlug, Instant from, Instant to, Format format) {
        AuditCheckpoints.SignedCheckpoint checkpoint = checkpoints.sign(logId).orElse(null);
        long size = checkpoint == null ? 0 : checkpoint.checkpoint().size();
        long[] range = log.indexRange(logId, from, to, size);
        return new Plan(logId, tenantSlug, from, to, format, range[0], range[1], checkpoint,
                checkpoint == null || logId.equals(AuditLog.GLOBAL_LOG) ? null : checkpoints.inGlobalLog(checkpoint));
    }

    /** Writes the bundle; {@code progress} hears how many records are written, every thousand and at the end. */
    public void write(Plan plan, OutputStream destination, LongConsumer progress) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(destination);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format_version", FORMAT_VERSION);
        manifest.put("log_id", plan.logId().toString());
        manifest.put("tenant_slug", plan.tenantSlug());
        manifest.put("from", plan.from().toString());
        manifest.put("to", plan.to().toString());
        manifest.put("record_format", plan.format().name().toLowerCase(Locale.ROOT));
        manifest.put("first_index", plan.first());
        manifest.put("end_index", plan.end());
        manifest.put("record_count", plan.recordCount());
        manifest.put("checkpoint_size", plan.checkpoint() == null ? 0 : plan.checkpoint().checkpoint().size());
        manifest.put("exported_at", clock.instant().toString());
        ArrayNode files = manifest.putArray("files");

        files.add(entry(zip, plan.format().fileName(), out -> writeRecords(plan, out, progress)));
        files.add(entry(zip, "checkpoint.txt", out -> out.write(plan.checkpoint() == null ? new byte[0] : plan.checkpoint().note().getBytes(StandardCharsets.UTF_8))));
        files.add(entry(zip, "proof.json", out -> JSON.writeValue(nonClosing(out), proof(plan))));
        if (plan.global() != null) {
            files.add(entry(zip, "global.json", out -> JSON.writeValue(nonClosing(out), globalInclusion(plan.global()))));
        }
        files.add(entry(zip, "public-keys.pem", out -> out.write(checkpoints.publicKeys().toPem().getBytes(StandardCharsets.UTF_8))));
        byte[] manifestBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        zip.putNextEntry(new ZipEntry("manifest.json"));
        zip.write(manifestBytes);
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry("manifest.sig"));
        zip.write((signer.sign(manifestBytes).encode() + "\n").getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.finish();
        zip.flush();
    }

    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static ObjectNode entry(ZipOutputStream zip, String name, Body body) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        MessageDigest sha256 = sha256();
        CountingStream counted = new CountingStream(new DigestOutputStream(nonClosing(zip), sha256));
        body.write(counted);
        counted.flush();
        zip.closeEntry();
        ObjectNode file = JSON.createObjectNode();
        file.put("name", name);
        file.put("bytes", counted.count);
        file.put("sha256", HexFormat.of().formatHex(sha256.digest()));
        return file;
    }

    private void writeRecords(Plan plan, OutputStream out, LongConsumer progress) throws IOException {
        long[] written = {0};
        if (plan.format() == Format.CSV) {
            out.write("index,leaf_hash,record_id,request_id,action,recorded_at,leaf\r\n".getBytes(StandardCharsets.UTF_8));
        }
        JsonGenerator json = JSON.getFactory().createGenerator(nonClosing(out), JsonEncoding.UTF8);
        try {
            log.forEachRecord(plan.logId(), plan.first(), plan.end(), record -> {
                try {
                    if (plan.format() == Format.CSV) {
                        out.write(csvLine(record).getBytes(StandardCharsets.UTF_8));
                    } else {
                        json.writeStartObject();
                        json.writeNumberField("index", record.index());
                        json.writeStringField("leaf_hash", BASE64.encodeToString(record.leafHash()));
                        json.writeStringField("leaf", record.eventJson());
                        json.writeEndObject();
                        json.writeRaw('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (++written[0] % 1000 == 0) {
                    progress.accept(written[0]);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        json.close();
        progress.accept(written[0]);
    }

    private static String csvLine(AuditRecord record) {
        return record.index() + "," + BASE64.encodeToString(record.leafHash()) + "," + csv(record.recordId()) + "," + csv(record.requestId())
                + "," + csv(record.action()) + "," + record.recordedAt() + "," + csv(record.eventJson()) + "\r\n";
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; a missing value is an empty field. */
    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private ObjectNode proof(Plan plan) {
        ObjectNode proof = JSON.createObjectNode();
        long size = plan.checkpoint() == null ? 0 : plan.checkpoint().checkpoint().size();
        ArrayNode left = proof.putArray("compact_range_before_first");
        if (plan.first() > 0) {
            CompactRange.read(plan.first(), log.subtrees(plan.logId())).subtrees().forEach(hash -> left.add(BASE64.encodeToString(hash)));
        }
        ArrayNode consistency = proof.putArray("consistency_from_end_to_checkpoint");
        if (plan.end() > 0) {
            log.proofs(plan.logId()).consistency(plan.end(), size).forEach(hash -> consistency.add(BASE64.encodeToString(hash)));
        }
        ArrayNode between = proof.putArray("checkpoints_within_range");
        List<AuditCheckpoints.SignedCheckpoint> signed = checkpoints.between(plan.logId(), plan.first(), plan.end());
        signed.forEach(checkpoint -> between.add(checkpoint.note()));
        return proof;
    }

    private static ObjectNode globalInclusion(AuditCheckpoints.GlobalInclusion global) {
        ObjectNode json = JSON.createObjectNode();
        json.put("global_checkpoint", global.globalCheckpoint().note());
        json.put("leaf_index", global.leafIndex());
        ArrayNode proof = json.putArray("inclusion_proof");
        global.proof().forEach(hash -> proof.add(BASE64.encodeToString(hash)));
        return json;
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static final class CountingStream extends FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
