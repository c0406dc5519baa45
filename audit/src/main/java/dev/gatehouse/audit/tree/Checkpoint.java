package dev.gatehouse.audit.tree;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A tree head as signed: which log, how many leaves, their root, and when. The signed bytes are the
 * text {@link #body()}, one field a line, so that a person can read what a signature vouches for.
 */
public record Checkpoint(UUID logId, long size, byte[] root, Instant signedAt) {

    private static final String ORIGIN_PREFIX = "gatehouse-audit/";

    public Checkpoint {
        if (size < 0 || root.length != MerkleHashes.SIZE) {
            throw new IllegalArgumentException("a checkpoint has a size of zero or more and a 32-byte root");
        }
        root = root.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    public String body() {
        return ORIGIN_PREFIX + logId + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n" + signedAt + "\n";
    }

    public byte[] signedBytes() {
        return body().getBytes(StandardCharsets.UTF_8);
    }

    public static Checkpoint parse(String body) {
        String[] lines = body.split("\n", -1);
        if (lines.length != 5 || !lines[4].isEmpty() || !lines[0].startsWith(ORIGIN_PREFIX)) {
            throw new IllegalArgumentException("not a checkpoint: expected origin, size, root and time, one a line");
        }
        return new Checkpoint(UUID.fromString(lines[0].substring(ORIGIN_PREFIX.length())), Long.parseLong(lines[1]),
                Base64.getDecoder().decode(lines[2]), Instant.parse(lines[3]));
    }
}
