package dev.gatehouse.crypto.signing;

import dev.gatehouse.crypto.CryptoProviders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A public Ed25519 verification key as published: its id, when it was created, and whether it still signs
 * ({@code active}) or only verifies older signatures.
 */
public record PublishedKey(String keyId, PublicKey publicKey, Instant created, boolean active) {

    public PublishedKey {
        if (!keyId.equals(keyIdOf(publicKey))) {
            throw new IllegalArgumentException("key id " + keyId + " is not the thumbprint of its public key");
        }
    }

    /** The RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key. */
    public static String keyIdOf(PublicKey publicKey) {
        byte[] raw = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData().getBytes();
        String x = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String canonicalJwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256", CryptoProviders.provider()).digest(canonicalJwk.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
