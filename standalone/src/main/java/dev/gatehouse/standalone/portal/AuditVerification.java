package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.tree.Checkpoint;
import dev.gatehouse.audit.tree.ProofVerifier;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.signing.PublicKeySet;
import dev.gatehouse.crypto.signing.Signature;
import dev.gatehouse.crypto.signing.SignatureVerifier;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * Checks what the audit API answers as an outside verifier would, so that an auditor's page says
 * "verified" only when the mathematics says so, not because the server said so: a checkpoint's
 * signature against the keys the platform publishes, and a record's inclusion in the signed tree
 * through its RFC 9162 audit path.
 */
final class AuditVerification {

    enum State { VERIFIED, FAILED, PENDING }

    /** The outcome and, in words for the page, what was checked or why it failed. */
    record Verdict(State state, String explanation) {

        public boolean verified() {
            return state == State.VERIFIED;
        }

        public boolean pending() {
            return state == State.PENDING;
        }

        /** As the templates read it: the state's name in lower case and the explanation. */
        Map<String, String> view() {
            return Map.of("state", state.name().toLowerCase(Locale.ROOT), "explanation", explanation);
        }
    }

    private AuditVerification() {
    }

    /** The checkpoint's fields (log, size, root, time) are the signed text: a changed field fails the signature. */
    static Verdict signature(JsonNode checkpoint, String publishedKeysPem) {
        try {
            Checkpoint signed = new Checkpoint(UUID.fromString(checkpoint.path("log_id").asText()), checkpoint.path("size").asLong(),
                    Base64.getDecoder().decode(checkpoint.path("root").asText()), Instant.parse(checkpoint.path("signed_at").asText()));
            Signature signature = Signature.decode(checkpoint.path("signature").asText());
            SignatureVerifier.of(PublicKeySet.parsePem(publishedKeysPem)).verify(signed.signedBytes(), signature);
            return new Verdict(State.VERIFIED, "The signature over log, size, root and time verifies with key "
                    + signature.keyId() + ", one of the keys the platform publishes.");
        } catch (CryptoException e) {
            return new Verdict(State.FAILED, "The signature does not verify: " + e.getMessage() + ".");
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return new Verdict(State.FAILED, "The checkpoint cannot be read: " + e.getMessage() + ".");
        }
    }

    /** Whether the record's leaf hash, with its audit path, gives the checkpoint's root. */
    static Verdict inclusion(JsonNode record, JsonNode checkpoint, JsonNode proof) {
        long index = record.path("index").asLong();
        long size = checkpoint.path("size").asLong();
        if (index >= size) {
            return new Verdict(State.PENDING, "Not covered yet: the latest checkpoint covers records 0 to " + (size - 1)
                    + ". Checkpoints are signed every few seconds, or sign one now.");
        }
        try {
            Base64.Decoder base64 = Base64.getDecoder();
            List<byte[]> path = StreamSupport.stream(proof.path("audit_path").spliterator(), false)
                    .map(hash -> base64.decode(hash.asText())).toList();
            boolean included = ProofVerifier.verifyInclusion(index, size, base64.decode(record.path("leaf_hash").asText()), path,
                    base64.decode(checkpoint.path("root").asText()));
            return included
                    ? new Verdict(State.VERIFIED, "Its leaf hash and the " + path.size() + " hashes of its audit path give the root of the signed tree of "
                            + size + " records.")
                    : new Verdict(State.FAILED, "Its leaf hash and audit path do not give the checkpoint's root: the log does not hold this record as shown.");
        } catch (IllegalArgumentException e) {
            return new Verdict(State.FAILED, "The proof cannot be read: " + e.getMessage() + ".");
        }
    }
}
