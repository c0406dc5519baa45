package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.audit.tree.Checkpoint;
import dev.gatehouse.audit.tree.MerkleHashes;
import dev.gatehouse.crypto.signing.PublicKeySet;
import dev.gatehouse.crypto.signing.PublishedKey;
import dev.gatehouse.crypto.signing.Signature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static dev.gatehouse.standalone.portal.PortalViews.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auditor's page says "verified" only when the checkpoint's signature and the record's audit
 * path check out here, against a log of three records signed with a real Ed25519 key.
 */
class AuditVerificationTest {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final byte[][] leaves = {leaf("first"), leaf("second"), leaf("third")};
    private final byte[] root = MerkleHashes.node(MerkleHashes.node(leaves[0], leaves[1]), leaves[2]);
    private KeyPair signingKey;
    private String publishedKeys;

    @BeforeEach
    void publishASigningKey() throws GeneralSecurityException {
        signingKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        PublishedKey published = new PublishedKey(PublishedKey.keyIdOf(signingKey.getPublic()), signingKey.getPublic(), Instant.now(), true);
        publishedKeys = new PublicKeySet(List.of(published)).toPem();
    }

    @Test
    void aCheckpointSignedByAPublishedKeyVerifies() throws GeneralSecurityException {
        AuditVerification.Verdict verdict = AuditVerification.signature(signedCheckpoint(3), publishedKeys);

        assertThat(verdict.verified()).as(verdict.explanation()).isTrue();
        assertThat(verdict.explanation()).contains(PublishedKey.keyIdOf(signingKey.getPublic()));
    }

    @Test
    void aCheckpointWhoseSizeWasChangedAfterSigningFails() throws GeneralSecurityException {
        ObjectNode checkpoint = signedCheckpoint(3).put("size", 2);

        AuditVerification.Verdict verdict = AuditVerification.signature(checkpoint, publishedKeys);

        assertThat(verdict.state()).isEqualTo(AuditVerification.State.FAILED);
        assertThat(verdict.explanation()).startsWith("The signature does not verify");
    }

    @Test
    void aCheckpointSignedByAnUnpublishedKeyFails() throws GeneralSecurityException {
        ObjectNode checkpoint = signedCheckpoint(3);
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String otherKeys = new PublicKeySet(List.of(new PublishedKey(PublishedKey.keyIdOf(other.getPublic()), other.getPublic(),
                Instant.now(), true))).toPem();

        assertThat(AuditVerification.signature(checkpoint, otherKeys).state()).isEqualTo(AuditVerification.State.FAILED);
    }

    @Test
    void aRecordIsProvedIncludedByItsAuditPath() throws GeneralSecurityException {
        ObjectNode proof = JSON.createObjectNode();
        proof.putArray("audit_path").add(BASE64.encodeToString(MerkleHashes.node(leaves[0], leaves[1])));

        AuditVerification.Verdict verdict = AuditVerification.inclusion(record(2, leaves[2]), signedCheckpoint(3), proof);

        assertThat(verdict.verified()).as(verdict.explanation()).isTrue();
        assertThat(verdict.explanation()).contains("1 hashes of its audit path").contains("tree of 3 records");
    }

    @Test
    void aRecordWhoseLeafHashDiffersFromTheLogsIsNotIncluded() throws GeneralSecurityException {
        ObjectNode proof = JSON.createObjectNode();
        proof.putArray("audit_path").add(BASE64.encodeToString(leaves[1])).add(BASE64.encodeToString(leaves[2]));

        AuditVerification.Verdict verdict = AuditVerification.inclusion(record(0, leaf("rewritten")), signedCheckpoint(3), proof);

        assertThat(verdict.state()).isEqualTo(AuditVerification.State.FAILED);
    }

    @Test
    void aRecordBeyondTheLatestCheckpointIsNotCoveredYet() throws GeneralSecurityException {
        AuditVerification.Verdict verdict = AuditVerification.inclusion(record(3, leaf("fourth")), signedCheckpoint(3), JSON.createObjectNode());

        assertThat(verdict.pending()).isTrue();
        assertThat(verdict.explanation()).contains("covers records 0 to 2");
    }

    /** The checkpoint as the audit API answers it. */
    private ObjectNode signedCheckpoint(long size) throws GeneralSecurityException {
        UUID log = UUID.randomUUID();
        Instant signedAt = Instant.parse("2026-12-01T10:00:00Z");
        Checkpoint checkpoint = new Checkpoint(log, size, root, signedAt);
        java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519");
        ed25519.initSign(signingKey.getPrivate());
        ed25519.update(checkpoint.signedBytes());
        Signature signature = new Signature(PublishedKey.keyIdOf(signingKey.getPublic()), ed25519.sign());
        return JSON.createObjectNode().put("log_id", log.toString()).put("size", size).put("root", BASE64.encodeToString(root))
                .put("signed_at", signedAt.toString()).put("key_id", signature.keyId()).put("signature", signature.encode());
    }

    private static ObjectNode record(long index, byte[] leafHash) {
        return JSON.createObjectNode().put("index", index).put("leaf_hash", BASE64.encodeToString(leafHash));
    }

    private static byte[] leaf(String text) {
        return MerkleHashes.leaf(text.getBytes(StandardCharsets.UTF_8));
    }
}
