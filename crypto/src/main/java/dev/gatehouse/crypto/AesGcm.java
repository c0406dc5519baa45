package dev.gatehouse.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 96-bit nonce and a 128-bit tag: the one AEAD primitive of this library, shared by
 * {@link TenantCipher} and the local key service. Applications use {@link TenantCipher}, which picks keys and
 * nonces for them.
 */
public final class AesGcm {

    public static final int NONCE_BYTES = 12;
    public static final int TAG_BITS = 128;
    public static final int KEY_BYTES = 32;

    private AesGcm() {
    }

    public static SecretKey newKey() {
        return aesKey(CryptoProviders.randomBytes(KEY_BYTES));
    }

    public static SecretKey aesKey(byte[] bytes) {
        if (bytes.length != KEY_BYTES) {
            throw new CryptoException(ErrorCode.DECRYPTION_FAILED, "data key has the wrong length");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public static byte[] seal(SecretKey key, byte[] nonce, byte[] associatedData, byte[] plaintext) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, key, nonce, associatedData).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in " + CryptoProviders.provider().getName(), e);
        }
    }

    /** Fails with {@link ErrorCode#DECRYPTION_FAILED} if the key, nonce, associated data or ciphertext do not match. */
    public static byte[] open(SecretKey key, byte[] nonce, byte[] associatedData, byte[] ciphertext) {
        try {
            return cipher(Cipher.DECRYPT_MODE, key, nonce, associatedData).doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new CryptoException(ErrorCode.DECRYPTION_FAILED, "authentication tag does not match");
        } catch (GeneralSecurityException e) {
            throw new CryptoException(ErrorCode.DECRYPTION_FAILED, "ciphertext cannot be decrypted", e);
        }
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, byte[] associatedData)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", CryptoProviders.provider());
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        return cipher;
    }
}
