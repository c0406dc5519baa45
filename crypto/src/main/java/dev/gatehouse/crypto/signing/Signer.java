package dev.gatehouse.crypto.signing;

/** Signs messages (audit checkpoints, exports) with the currently active Ed25519 key. */
public interface Signer {

    Signature sign(byte[] message);

    /** The id of the key that {@link #sign} uses now. */
    String activeKeyId();
}
