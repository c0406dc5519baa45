package dev.gatehouse.audit.verify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The bundle's {@code public-keys.pem}, read with the Java runtime alone: PEM {@code PUBLIC KEY}
 * blocks with a {@code Key-Id} header. A key id must be the key's RFC 7638 thumbprint, so a key
 * cannot be slipped in under another key's id. Signatures are {@code <key id>.<base64url Ed25519>}.
 */
final class OfflineKeys {

    private final Map<String, PublicKey> keys;

    private OfflineKeys(Map<String, PublicKey> keys) {
        this.keys = keys;
    }

    static OfflineKeys parse(String pem) throws GeneralSecurityException {
        Map<String, PublicKey> keys = new HashMap<>();
        String keyId = null;
        StringBuilder base64 = null;
        for (String line : pem.split("\r?\n")) {
            if (line.equals("-----BEGIN PUBLIC KEY-----")) {
                base64 = new StringBuilder();
                keyId = null;
            } else if (line.equals("-----END PUBLIC KEY-----") && base64 != null) {
                byte[] encoded = Base64.getDecoder().decode(base64.toString());
                PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
                if (keyId == null || !keyId.equals(thumbprint(encoded))) {
                    throw new GeneralSecurityException("public key with id " + keyId + " is not the key that id names");
                }
                keys.put(keyId, key);
                base64 = null;
            } else if (base64 != null && line.startsWith("Key-Id:")) {
                keyId = line.substring("Key-Id:".length()).strip();
            } else if (base64 != null && !line.contains(":") && !line.isBlank()) {
                base64.append(line.strip());
            }
        }
        return new OfflineKeys(keys);
    }

    int size() {
        return keys.size();
    }

    /** Null when the signature verifies, otherwise why not. */
    String check(byte[] message, String encodedSignature) {
        int dot = encodedSignature.lastIndexOf('.');
        if (dot <= 0) {
            return "the signature is not <key id>.<signature>";
        }
        PublicKey key = keys.get(encodedSignature.substring(0, dot));
        if (key == null) {
            return "it was signed by key " + encodedSignature.substring(0, dot) + ", which public-keys.pem does not hold";
        }
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(message);
            return ed25519.verify(Base64.getUrlDecoder().decode(encodedSignature.substring(dot + 1))) ? null : "the signature is wrong";
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "the signature is unreadable";
        }
    }

    /** RFC 7638 thumbprint of an Ed25519 key given as SubjectPublicKeyInfo, whose last 32 bytes are the raw key. */
    private static String thumbprint(byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        byte[] raw = Arrays.copyOfRange(subjectPublicKeyInfo, subjectPublicKeyInfo.length - 32, subjectPublicKeyInfo.length);
        String jwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\"}";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(jwk.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
}
