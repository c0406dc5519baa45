package dev.gatehouse.audit;

import dev.gatehouse.audit.tree.Checkpoint;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.signing.PublicKeySet;
import dev.gatehouse.crypto.signing.Signature;
import dev.gatehouse.crypto.signing.SignatureVerifier;
import dev.gatehouse.crypto.signing.Signer;
import org.springframework.jdbc.core.RowMapper;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Signed tree heads of the audit logs, Certificate-Transparency style. Signing a log's checkpoint also
 * appends it, as a leaf, to the global log, whose own checkpoint is signed in turn: one global
 * signature then commits to every tenant's log at once, and a tenant's history cannot be forked
 * without the fork showing in the global log. Checkpoints are signed with the active Ed25519 key of
 * the ring; rotated keys stay published so that older checkpoints keep verifying.
 */
public final class AuditCheckpoints {

    private static final RowMapper<SignedCheckpoint> ROW = (row, index) -> new SignedCheckpoint(
            Checkpoint.parse(row.getString("body")), Signature.decode(row.getString("signature")));

    /** Logs signed per cadence run at most: 1,000 every 10 s is 100 checkpoints a second, each a few queries and a signature. */
    public static final int LOGS_PER_RUN = 1_000;

    private final AuditLog log;
    private final Signer signer;
    private final Supplier<PublicKeySet> publicKeys;
    private final Clock clock;

    public AuditCheckpoints(AuditLog log, Signer signer, Supplier<PublicKeySet> publicKeys, Clock clock) {
        this.log = log;
        this.signer = signer;
        this.publicKeys = publicKeys;
        this.clock = clock;
    }

    /** A checkpoint and its signature; {@link #note()} is the text form both travel in. */
    public record SignedCheckpoint(Checkpoint checkpoint, Signature signature) {

        public String note() {
            return checkpoint.body() + "\u2014 " + signature.encode() + "\n";
        }
    }

    /**
     * Signs the log's current head, unless a checkpoint of this size exists already, which it returns;
     * an empty log has nothing to sign. A tenant's new checkpoint is appended to the global log.
     */
    public Optional<SignedCheckpoint> sign(UUID logId) {
        Optional<Signing> signing = signHead(logId);
        if (signing.isPresent() && signing.get().isNew() && !logId.equals(AuditLog.GLOBAL_LOG)) {
            appendToGlobalLog(List.of(signing.get().signed()));
        }
        return signing.map(Signing::signed);
    }

    /** A log's checkpoint, and whether this call signed it (rather than finding it signed already). */
    private record Signing(SignedCheckpoint signed, boolean isNew) {
    }

    private Optional<Signing> signHead(UUID logId) {
        Optional<AuditLog.TreeHead> head = log.head(logId);
        if (head.isEmpty() || head.get().size() == 0) {
            return Optional.empty();
        }
        Optional<SignedCheckpoint> existing = atSize(logId, head.get().size());
        if (existing.isPresent()) {
            markCheckpointed(existing.get().checkpoint());
            return Optional.of(new Signing(existing.get(), false));
        }
        Checkpoint checkpoint = new Checkpoint(logId, head.get().size(), head.get().root(), clock.instant());
        SignedCheckpoint signed = new SignedCheckpoint(checkpoint, signer.sign(checkpoint.signedBytes()));
        int stored = log.jdbc().sql("""
                        INSERT INTO audit.checkpoints (log_id, size, root, signed_at, body, signature)
                        VALUES (:log, :size, :root, :signedAt, :body, :signature) ON CONFLICT DO NOTHING
                        """)
                .param("log", logId).param("size", checkpoint.size()).param("root", checkpoint.root())
                .param("signedAt", Timestamp.from(checkpoint.signedAt())).param("body", checkpoint.body())
                .param("signature", signed.signature().encode())
                .update();
        if (stored == 0) {
            return atSize(logId, head.get().size()).map(other -> new Signing(other, false));
        }
        markCheckpointed(checkpoint);
        return Optional.of(new Signing(signed, true));
    }

    private void markCheckpointed(Checkpoint checkpoint) {
        log.jdbc().sql("""
                        UPDATE audit.logs SET checkpointed_size = :size, checkpointed_at = :signedAt
                        WHERE log_id = :log AND checkpointed_size < :size
                        """)
                .param("size", checkpoint.size()).param("signedAt", Timestamp.from(checkpoint.signedAt())).param("log", checkpoint.logId())
                .update();
    }

    private void appendToGlobalLog(List<SignedCheckpoint> checkpoints) {
        Map<String, String> notes = new LinkedHashMap<>();
        List<AuditEvent> leaves = new ArrayList<>();
        for (SignedCheckpoint signed : checkpoints) {
            String recordId = globalRecordId(signed);
            notes.put(recordId, signed.note());
            leaves.add(new AuditEvent(recordId, null, null, signed.checkpoint().signedAt(), "checkpoint", Map.of()));
        }
        log.appendLeaves(AuditLog.GLOBAL_LOG, leaves, event -> notes.get(event.recordId()));
    }

    /**
     * For the fixed cadence: signs the logs that grew since their last checkpoint, at most
     * {@link #LOGS_PER_RUN} of them (those checkpointed longest ago first, so none waits behind busier
     * ones), appends their checkpoints to the global log in one transaction, and signs the global log.
     * Finding them is one query over the log heads, however many tenants there are. Returns how many it signed.
     */
    public int signGrownLogs() {
        return signGrownLogs(LOGS_PER_RUN);
    }

    /** {@link #signGrownLogs()} with another bound per run. */
    public int signGrownLogs(int atMost) {
        List<UUID> grown = log.jdbc().sql("""
                        SELECT log_id FROM audit.logs WHERE size > checkpointed_size AND log_id <> :global
                        ORDER BY checkpointed_at NULLS FIRST, log_id LIMIT :atMost
                        """)
                .param("global", AuditLog.GLOBAL_LOG).param("atMost", atMost)
                .query(UUID.class).list();
        List<SignedCheckpoint> signed = new ArrayList<>();
        for (UUID logId : grown) {
            signHead(logId).filter(Signing::isNew).ifPresent(signing -> signed.add(signing.signed()));
        }
        if (!signed.isEmpty()) {
            appendToGlobalLog(signed);
            sign(AuditLog.GLOBAL_LOG);
        }
        return grown.size();
    }

    /** Where a tenant checkpoint is in the global log: the signed global checkpoint, the leaf's index, and its inclusion proof. */
    public record GlobalInclusion(SignedCheckpoint globalCheckpoint, long leafIndex, List<byte[]> proof) {
    }

    /**
     * Proves a tenant checkpoint's place in the global log: appends it there unless it is there already,
     * signs the global log's head, and proves the leaf (the checkpoint's note) included under it.
     */
    public GlobalInclusion inGlobalLog(SignedCheckpoint tenantCheckpoint) {
        appendToGlobalLog(List.of(tenantCheckpoint));
        SignedCheckpoint global = sign(AuditLog.GLOBAL_LOG).orElseThrow();
        long index = log.recordsOfCall(globalRecordId(tenantCheckpoint)).stream()
                .filter(record -> record.logId().equals(AuditLog.GLOBAL_LOG)).findFirst().orElseThrow().index();
        return new GlobalInclusion(global, index, log.proofs(AuditLog.GLOBAL_LOG).inclusion(index, global.checkpoint().size()));
    }

    private static String globalRecordId(SignedCheckpoint tenantCheckpoint) {
        return "checkpoint/" + tenantCheckpoint.checkpoint().logId() + "/" + tenantCheckpoint.checkpoint().size();
    }

    public Optional<SignedCheckpoint> latest(UUID logId) {
        return log.jdbc().sql("SELECT body, signature FROM audit.checkpoints WHERE log_id = :log ORDER BY size DESC LIMIT 1")
                .param("log", logId).query(ROW).optional();
    }

    public Optional<SignedCheckpoint> atSize(UUID logId, long size) {
        return log.jdbc().sql("SELECT body, signature FROM audit.checkpoints WHERE log_id = :log AND size = :size")
                .param("log", logId).param("size", size).query(ROW).optional();
    }

    /** The log's checkpoints with sizes in (above, upTo], smallest first. */
    public List<SignedCheckpoint> between(UUID logId, long above, long upTo) {
        return log.jdbc().sql("SELECT body, signature FROM audit.checkpoints WHERE log_id = :log AND size > :above AND size <= :upTo ORDER BY size")
                .param("log", logId).param("above", above).param("upTo", upTo).query(ROW).list();
    }

    public PublicKeySet publicKeys() {
        return publicKeys.get();
    }

    /**
     * Everything that does not verify in a log: records whose JSON does not match their hash, missing
     * records, checkpoints whose signature fails or whose root the records no longer produce, a tail
     * cut below the last checkpoint. Empty when the log is intact.
     */
    public List<String> findTampering(UUID logId) {
        List<String> problems = new ArrayList<>();
        SignatureVerifier verifier = SignatureVerifier.of(publicKeys.get());
        List<Long> sizes = new ArrayList<>();
        List<byte[]> roots = new ArrayList<>();
        for (SignedCheckpoint signed : between(logId, 0, Long.MAX_VALUE)) {
            try {
                verifier.verify(signed.checkpoint().signedBytes(), signed.signature());
                sizes.add(signed.checkpoint().size());
                roots.add(signed.checkpoint().root());
            } catch (CryptoException e) {
                problems.add("log " + logId + ": checkpoint of size " + signed.checkpoint().size() + " has a bad signature (" + e.code() + ")");
            }
        }
        problems.addAll(log.findTampering(logId, sizes, roots));
        return problems;
    }

    /** {@link #findTampering(UUID)} over every log. */
    public List<String> findTampering() {
        List<String> problems = new ArrayList<>();
        for (AuditLog.TreeHead head : log.heads()) {
            problems.addAll(findTampering(head.logId()));
        }
        return problems;
    }
}
