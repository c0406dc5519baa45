package dev.gatehouse.crypto.signing;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.CryptoProviders;
import dev.gatehouse.crypto.ErrorCode;
import java.security.GeneralSecurityException;

/** Verifies Ed25519 signatures against a published {@link PublicKeySet}, offline. Thread-safe. */
public final class SignatureVerifier {

    private final PublicKeySet keys;

    private SignatureVerifier(PublicKeySet keys) {
        this.keys = keys;
    }

    public static SignatureVerifier of(PublicKeySet keys) {
        return new SignatureVerifier(keys);
    }

    /**
     * Returns normally if the signature is valid; otherwise throws {@link CryptoException} with
     * {@code SIGNING_KEY_UNKNOWN} or {@code SIGNATURE_INVALID}. Retired keys still verify.
     */
    public void verify(byte[] message, Signature signature) {
        PublishedKey key = keys.find(signature.keyId()).orElseThrow(() -> new CryptoException(
                ErrorCode.SIGNING_KEY_UNKNOWN, "no published key with id " + signature.keyId()));
        boolean valid;
        try {
            java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519", CryptoProviders.provider());
            ed25519.initVerify(key.publicKey());
            ed25519.update(message);
            valid = ed25519.verify(signature.value());
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new CryptoException(ErrorCode.SIGNATURE_INVALID, "signature does not verify with key " + signature.keyId());
        }
    }
}
