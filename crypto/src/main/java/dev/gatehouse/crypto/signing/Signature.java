package dev.gatehouse.crypto.signing;

import java.util.Arrays;
import java.util.Base64;

/** An Ed25519 signature and the id of the key that made it (an RFC 7638 JWK thumbprint). */
public record Signature(String keyId, byte[] value) {

    public Signature {
        if (keyId == null || keyId.isEmpty() || value == null) {
            throw new IllegalArgumentException("a signature needs a key id and a value");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** {@code <keyId>.<base64url signature>}, for text formats such as checkpoints. */
    public String encode() {
        return keyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    public static Signature decode(String encoded) {
        int dot = encoded.lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("expected <keyId>.<base64url signature>");
        }
        return new Signature(encoded.substring(0, dot), Base64.getUrlDecoder().decode(encoded.substring(dot + 1)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Signature that && keyId.equals(that.keyId) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * keyId.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return encode();
    }
}
