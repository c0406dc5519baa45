package dev.gatehouse.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The chain's hash function. Each record's hash covers a domain-separation byte, the previous
 * record's hash and the record's canonical JSON, so editing, dropping or reordering any record
 * changes every hash after it.
 */
final class AuditHashes {

    static final byte[] GENESIS = new byte[32];
    private static final byte RECORD_DOMAIN = 0x00;

    private AuditHashes() {
    }

    static byte[] chain(byte[] previousHash, long seq, String eventJson) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(RECORD_DOMAIN);
            digest.update(previousHash);
            digest.update(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) '\n');
            digest.update(eventJson.getBytes(StandardCharsets.UTF_8));
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
