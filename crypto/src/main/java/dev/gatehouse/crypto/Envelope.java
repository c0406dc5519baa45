package dev.gatehouse.crypto;

import dev.gatehouse.crypto.kms.WrappedKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The self-describing ciphertext format, version 1. All integers are big-endian.
 *
 * <pre>
 *  magic        3 bytes  "GHE"
 *  version      1 byte   0x01
 *  algorithm    1 byte   0x01 = AES-256-GCM, per-object key = HKDF-SHA256(data key, salt), 96-bit nonce, 128-bit tag
 *  kekIdLength  1 byte   followed by the KEK id in UTF-8
 *  kekVersion   4 bytes
 *  wrappedLen   2 bytes  followed by the wrapped data key (key service format)
 *  salt        32 bytes
 *  nonce       12 bytes
 *  ciphertext   rest     including the 16-byte GCM tag
 * </pre>
 *
 * The KEK id, version and wrapped key are deliberately outside the payload's associated data: they are
 * protected by the key service's own authenticated wrapping, and leaving them out lets {@code rewrap}
 * replace them without touching the payload.
 */
record Envelope(WrappedKey wrappedKey, byte[] salt, byte[] nonce, byte[] ciphertext) {

    static final byte[] MAGIC = {'G', 'H', 'E'};
    static final byte FORMAT_VERSION = 1;
    static final byte ALGORITHM_AES256_GCM_HKDF = 1;
    static final int SALT_BYTES = 32;

    byte[] encode() {
        byte[] kekId = wrappedKey.kekId().getBytes(StandardCharsets.UTF_8);
        byte[] wrapped = wrappedKey.ciphertext();
        if (kekId.length > 0xFF || wrapped.length > 0xFFFF) {
            throw new IllegalStateException("KEK id or wrapped key too long for the ciphertext format");
        }
        return ByteBuffer.allocate(MAGIC.length + 3 + kekId.length + 4 + 2 + wrapped.length + salt.length
                        + nonce.length + ciphertext.length)
                .put(MAGIC).put(FORMAT_VERSION).put(ALGORITHM_AES256_GCM_HKDF)
                .put((byte) kekId.length).put(kekId).putInt(wrappedKey.kekVersion())
                .putShort((short) wrapped.length).put(wrapped)
                .put(salt).put(nonce).put(ciphertext)
                .array();
    }

    static Envelope decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte[] magic = take(in, MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw malformed("not a Gatehouse ciphertext");
            }
            byte version = in.get();
            byte algorithm = in.get();
            if (version != FORMAT_VERSION || algorithm != ALGORITHM_AES256_GCM_HKDF) {
                throw new CryptoException(ErrorCode.UNSUPPORTED_CIPHERTEXT_FORMAT,
                        "format version " + version + ", algorithm " + algorithm + " is not supported");
            }
            String kekId = new String(take(in, Byte.toUnsignedInt(in.get())), StandardCharsets.UTF_8);
            int kekVersion = in.getInt();
            byte[] wrapped = take(in, Short.toUnsignedInt(in.getShort()));
            byte[] salt = take(in, SALT_BYTES);
            byte[] nonce = take(in, AesGcm.NONCE_BYTES);
            byte[] ciphertext = take(in, in.remaining());
            if (ciphertext.length < AesGcm.TAG_BITS / 8) {
                throw malformed("ciphertext is shorter than its tag");
            }
            return new Envelope(new WrappedKey(kekId, kekVersion, wrapped), salt, nonce, ciphertext);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw malformed("ciphertext is truncated or has invalid fields");
        }
    }

    Envelope withWrappedKey(WrappedKey newWrappedKey) {
        return new Envelope(newWrappedKey, salt, nonce, ciphertext);
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static CryptoException malformed(String message) {
        return new CryptoException(ErrorCode.MALFORMED_CIPHERTEXT, message);
    }
}
