package dev.gatehouse.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.audit.tree.Checkpoint;
import dev.gatehouse.audit.tree.CompactRange;
import dev.gatehouse.audit.tree.MerkleHashes;
import dev.gatehouse.audit.tree.ProofVerifier;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks an export bundle with nothing but the bundle: the algorithm of audit/README.md, step by
 * step. Every problem found is reported, naming the record, the file or the checkpoint; the bundle
 * verifies only when there is none. Records are read one line at a time.
 */
public final class BundleVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder BASE64 = Base64.getDecoder();
    /** The global log's id (AuditLog.GLOBAL_LOG), spelled out so that the verifier needs nothing but the JDK and Jackson. */
    private static final UUID GLOBAL_LOG = new UUID(-1, -1);

    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** What verifying found: problems (none means it verifies) and plain facts about the bundle. */
    public record Result(List<String> problems, List<String> notes) {
        public boolean verified() {
            return problems.isEmpty();
        }
    }

    public static Result verify(Path bundle) throws IOException {
        BundleVerifier verifier = new BundleVerifier();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            verifier.run(zip);
        }
        return new Result(List.copyOf(verifier.problems), List.copyOf(verifier.notes));
    }

    private void run(ZipFile zip) throws IOException {
        // 1. the keys, and the manifest's signature
        OfflineKeys keys;
        try {
            keys = OfflineKeys.parse(text(zip, "public-keys.pem"));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            problems.add("public-keys.pem: " + e.getMessage());
            return;
        }
        byte[] manifestBytes = bytes(zip, "manifest.json");
        String manifestSignature = text(zip, "manifest.sig").strip();
        report("manifest.json", keys.check(manifestBytes, manifestSignature));
        JsonNode manifest = JSON.readTree(manifestBytes);
        long first = manifest.path("first_index").asLong();
        long end = manifest.path("end_index").asLong();
        String recordsFile = "records." + manifest.path("record_format").asText();

        // 2. every file against the manifest's digest
        for (JsonNode file : manifest.path("files")) {
            String name = file.path("name").asText();
            if (zip.getEntry(name) == null) {
                problems.add(name + ": listed in the manifest but missing from the bundle");
            } else if (!digest(zip, name).equals(file.path("sha256").asText())) {
                problems.add(name + ": its SHA-256 is not the one the signed manifest lists (the file was changed)");
            }
        }

        // 3. the checkpoint: signed, and for the size the manifest names
        String checkpointText = text(zip, "checkpoint.txt");
        SignedNote checkpointNote = SignedNote.parse(checkpointText);
        if (checkpointNote == null) {
            problems.add("checkpoint.txt: not a signed checkpoint");
            return;
        }
        report("checkpoint.txt", keys.check(checkpointNote.body().getBytes(StandardCharsets.UTF_8), checkpointNote.signature()));
        Checkpoint checkpoint = Checkpoint.parse(checkpointNote.body());
        if (checkpoint.size() != manifest.path("checkpoint_size").asLong() || end > checkpoint.size() || first > end) {
            problems.add("manifest.json: its range [" + first + ", " + end + ") does not fit the checkpoint of size " + checkpoint.size());
            return;
        }
        if (!checkpoint.logId().toString().equals(manifest.path("log_id").asText())) {
            problems.add("checkpoint.txt: it is the checkpoint of another log than the manifest's");
        }

        // 4. the proof: the tree before the first record, and checkpoints signed within the range
        JsonNode proof = JSON.readTree(bytes(zip, "proof.json"));
        List<byte[]> left = hashes(proof.path("compact_range_before_first"));
        if (Long.bitCount(first) != left.size()) {
            problems.add("proof.json: the compact range before index " + first + " must have " + Long.bitCount(first) + " hashes");
            return;
        }
        CompactRange tree = CompactRange.of(first, left);
        List<Checkpoint> within = new ArrayList<>();
        for (JsonNode note : proof.path("checkpoints_within_range")) {
            SignedNote signed = SignedNote.parse(note.asText());
            if (signed == null || keys.check(signed.body().getBytes(StandardCharsets.UTF_8), signed.signature()) != null) {
                problems.add("proof.json: a checkpoint within the range does not verify");
                continue;
            }
            within.add(Checkpoint.parse(signed.body()));
        }

        // 5. the records, in order: each index the next one, each leaf hash the hash of its leaf
        long expected = first;
        long previous = -1;
        long removedBodies = 0;
        int nextWithin = 0;
        long previousCheckpointSize = first;
        try (BufferedReader records = reader(zip, recordsFile)) {
            RecordReader reader = recordsFile.endsWith(".csv") ? new RecordReader.Csv(records) : new RecordReader.JsonLines(records);
            for (RecordReader.Line line = reader.next(); line != null; line = reader.next()) {
                if (line.index() > expected) {
                    problems.add("record " + expected + (line.index() - expected > 1 ? " to " + (line.index() - 1) : "")
                            + ": missing (deleted) before record " + line.index());
                    expected = line.index() + 1;
                } else if (line.index() < expected) {
                    problems.add("record " + line.index() + ": out of order, or inserted (it follows record " + previous + ")");
                } else {
                    expected++;
                }
                previous = line.index();
                byte[] leafHash = line.leafHash();
                if (line.leaf() == null) {
                    removedBodies++;
                } else if (!Arrays.equals(leafHash, MerkleHashes.leaf(line.leaf().getBytes(StandardCharsets.UTF_8)))) {
                    problems.add("record " + line.index() + ": modified (its content does not hash to its leaf hash)");
                    leafHash = MerkleHashes.leaf(line.leaf().getBytes(StandardCharsets.UTF_8));
                }
                tree.append(leafHash);
                while (nextWithin < within.size() && within.get(nextWithin).size() == tree.size()) {
                    if (!Arrays.equals(tree.root(), within.get(nextWithin).root())) {
                        problems.add("records " + previousCheckpointSize + " to " + (tree.size() - 1)
                                + ": do not match the checkpoint signed at size " + tree.size() + " (one of them was changed, or the log rewritten)");
                    }
                    previousCheckpointSize = tree.size();
                    nextWithin++;
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add(recordsFile + ": unreadable after record " + previous + " (" + e.getMessage() + ")");
            return;
        }

        // 6. the tail and the tie to the signed checkpoint
        if (tree.size() < end) {
            problems.add("records: the bundle ends before record " + tree.size() + ", the manifest promises records up to " + (end - 1) + " (the tail was cut)");
        } else if (tree.size() > end) {
            problems.add("records: the bundle holds " + (tree.size() - end) + " records more than the manifest's range (records were inserted)");
        }
        if (end > 0 && tree.size() == end) {
            boolean consistent = ProofVerifier.verifyConsistency(end, checkpoint.size(), tree.root(), checkpoint.root(),
                    hashes(proof.path("consistency_from_end_to_checkpoint")));
            if (!consistent) {
                problems.add("records " + first + " to " + (end - 1) + ": together they do not match the signed checkpoint of size " + checkpoint.size());
            }
        }
        // 7. the checkpoint is a leaf of the global log, whose own checkpoint is signed
        if (manifest.path("format_version").asInt() >= 2) {
            verifyInGlobalLog(zip, keys, checkpointText);
        }
        notes.add(0, "log " + checkpoint.logId() + ", records " + first + " to " + (end - 1) + " of " + checkpoint.size()
                + ", checkpoint signed " + checkpoint.signedAt() + " by key " + checkpointNote.signature().substring(0, checkpointNote.signature().lastIndexOf('.')));
        if (removedBodies > 0) {
            notes.add(removedBodies + " records past their retention hold only their leaf hash");
        }
    }

    private void verifyInGlobalLog(ZipFile zip, OfflineKeys keys, String checkpointText) throws IOException {
        if (zip.getEntry("global.json") == null) {
            problems.add("global.json: missing (a bundle of format 2 proves its checkpoint in the global log)");
            return;
        }
        JsonNode global = JSON.readTree(bytes(zip, "global.json"));
        SignedNote globalNote = SignedNote.parse(global.path("global_checkpoint").asText());
        Checkpoint globalHead;
        try {
            globalHead = globalNote == null ? null : Checkpoint.parse(globalNote.body());
        } catch (IllegalArgumentException e) {
            globalHead = null;
        }
        if (globalHead == null) {
            problems.add("global.json: its global checkpoint is not a signed checkpoint");
            return;
        }
        report("global.json: the global checkpoint", keys.check(globalNote.body().getBytes(StandardCharsets.UTF_8), globalNote.signature()));
        if (!globalHead.logId().equals(GLOBAL_LOG)) {
            problems.add("global.json: its checkpoint is of log " + globalHead.logId() + ", not of the global log");
        }
        long index = global.path("leaf_index").asLong(-1);
        boolean included = index >= 0 && index < globalHead.size() && ProofVerifier.verifyInclusion(index, globalHead.size(),
                MerkleHashes.leaf(checkpointText.getBytes(StandardCharsets.UTF_8)), hashes(global.path("inclusion_proof")), globalHead.root());
        if (!included) {
            problems.add("global.json: checkpoint.txt is not proved to be leaf " + index + " of the global log of size " + globalHead.size()
                    + " (the checkpoint, the index or the proof was changed)");
            return;
        }
        notes.add("the checkpoint is leaf " + index + " of the global log of size " + globalHead.size() + ", signed " + globalHead.signedAt());
    }

    private void report(String file, String problem) {
        if (problem != null) {
            problems.add(file + ": " + problem);
        }
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new ArrayList<>();
        array.forEach(hash -> hashes.add(BASE64.decode(hash.asText())));
        return hashes;
    }

    private static InputStream entry(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException("the bundle has no " + name);
        }
        return zip.getInputStream(entry);
    }

    private static byte[] bytes(ZipFile zip, String name) throws IOException {
        try (InputStream in = entry(zip, name)) {
            return in.readAllBytes();
        }
    }

    private static String text(ZipFile zip, String name) throws IOException {
        return new String(bytes(zip, name), StandardCharsets.UTF_8);
    }

    private static BufferedReader reader(ZipFile zip, String name) throws IOException {
        return new BufferedReader(new InputStreamReader(entry(zip, name), StandardCharsets.UTF_8));
    }

    private static String digest(ZipFile zip, String name) throws IOException {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(entry(zip, name), sha256)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** A checkpoint body followed by {@code — <signature>}, as {@code AuditCheckpoints.SignedCheckpoint.note()} writes it. */
    record SignedNote(String body, String signature) {
        static SignedNote parse(String note) {
            int mark = note.lastIndexOf("\u2014 ");
            return mark <= 0 ? null : new SignedNote(note.substring(0, mark), note.substring(mark + 2).strip());
        }
    }
}
