package dev.gatehouse.crypto.signing;

import dev.gatehouse.crypto.CryptoProviders;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The verification keys a signer has used, in a form that can be published and read back offline: a list of
 * PEM {@code PUBLIC KEY} blocks, each with {@code Key-Id}, {@code Created} and {@code Status} headers. A key
 * id is the thumbprint of its key, so a reader checks it rather than trusting it.
 */
public final class PublicKeySet {

    private static final String PEM_TYPE = "PUBLIC KEY";
    private static final String KEY_ID = "Key-Id";
    private static final String CREATED = "Created";
    private static final String STATUS = "Status";

    private final List<PublishedKey> keys;

    public PublicKeySet(List<PublishedKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<PublishedKey> keys() {
        return keys;
    }

    public Optional<PublishedKey> find(String keyId) {
        return keys.stream().filter(key -> key.keyId().equals(keyId)).findFirst();
    }

    public String toPem() {
        StringWriter out = new StringWriter();
        try (PemWriter pem = new PemWriter(out)) {
            for (PublishedKey key : keys) {
                pem.writeObject(new PemObject(PEM_TYPE, List.of(
                        new PemHeader(KEY_ID, key.keyId()),
                        new PemHeader(CREATED, key.created().toString()),
                        new PemHeader(STATUS, key.active() ? "active" : "retired")),
                        key.publicKey().getEncoded()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads what {@link #toPem()} wrote; rejects blocks whose key id is not their key's thumbprint. */
    public static PublicKeySet parsePem(String pem) {
        List<PublishedKey> keys = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            for (PemObject object = reader.readPemObject(); object != null; object = reader.readPemObject()) {
                if (!PEM_TYPE.equals(object.getType())) {
                    throw new IllegalArgumentException("unexpected PEM block " + object.getType());
                }
                Map<String, String> headers = new HashMap<>();
                for (Object header : object.getHeaders()) {
                    headers.put(((PemHeader) header).getName(), ((PemHeader) header).getValue());
                }
                keys.add(new PublishedKey(required(headers, KEY_ID), ed25519PublicKey(object.getContent()),
                        Instant.parse(required(headers, CREATED)), "active".equals(headers.get(STATUS))));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM public key list", e);
        }
        return new PublicKeySet(keys);
    }

    private static String required(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null) {
            throw new IllegalArgumentException("PEM block lacks the " + name + " header");
        }
        return value;
    }

    private static PublicKey ed25519PublicKey(byte[] subjectPublicKeyInfo) {
        try {
            return KeyFactory.getInstance("Ed25519", CryptoProviders.provider())
                    .generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }
}
