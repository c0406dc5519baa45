package dev.gatehouse.crypto.signing;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.CryptoProviders;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.keystore.EncryptedKeystore;
import dev.gatehouse.crypto.keystore.MasterSecret;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Ed25519 signing keys kept in a BCFKS keystore file. The newest key signs; {@link #rotate()} adds a new one
 * and keeps the old ones published so earlier signatures stay verifiable. Each private key is stored with a
 * self-signed certificate (BCFKS requires one) whose start date is the key's creation time.
 *
 * <p>Keystore aliases are {@code signing.<sequence>}. Thread-safe.
 */
public final class Ed25519KeyRing implements Signer {

    private static final String ALIAS_PREFIX = "signing.";

    private final EncryptedKeystore keystore;
    private final TreeMap<Integer, SigningKey> keys = new TreeMap<>();

    private Ed25519KeyRing(EncryptedKeystore keystore) {
        this.keystore = keystore;
        for (String alias : keystore.aliases()) {
            if (alias.startsWith(ALIAS_PREFIX)) {
                X509Certificate certificate = (X509Certificate) keystore.certificate(alias);
                keys.put(Integer.parseInt(alias.substring(ALIAS_PREFIX.length())),
                        new SigningKey(keystore.privateKey(alias), certificate));
            }
        }
    }

    /** Opens the key ring file, creating it with one fresh signing key if it does not exist. */
    public static Ed25519KeyRing openOrCreate(Path keystoreFile, MasterSecret masterSecret) {
        Ed25519KeyRing ring = new Ed25519KeyRing(EncryptedKeystore.openOrCreate(keystoreFile, masterSecret));
        synchronized (ring) {
            if (ring.keys.isEmpty()) {
                ring.rotate();
            }
        }
        return ring;
    }

    @Override
    public Signature sign(byte[] message) {
        SigningKey active;
        synchronized (this) {
            active = keys.lastEntry().getValue();
        }
        try {
            java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519", CryptoProviders.provider());
            ed25519.initSign(active.privateKey);
            ed25519.update(message);
            return new Signature(active.keyId(), ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable in " + CryptoProviders.provider().getName(), e);
        }
    }

    @Override
    public synchronized String activeKeyId() {
        return keys.lastEntry().getValue().keyId();
    }

    /** Generates a new signing key, makes it the active one and returns its id. */
    public synchronized String rotate() {
        int sequence = keys.isEmpty() ? 1 : keys.lastKey() + 1;
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519", CryptoProviders.provider()).generateKeyPair();
            X509Certificate certificate = selfSigned(pair, sequence);
            keystore.put(ALIAS_PREFIX + sequence, pair.getPrivate(), certificate);
            SigningKey key = new SigningKey(pair.getPrivate(), certificate);
            keys.put(sequence, key);
            return key.keyId();
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new CryptoException(ErrorCode.KEYSTORE_UNAVAILABLE, "cannot create a signing key", e);
        }
    }

    /** Every key of the ring, oldest first; only the newest is {@code active}. */
    public synchronized PublicKeySet publicKeys() {
        List<PublishedKey> published = new ArrayList<>();
        for (SigningKey key : keys.values()) {
            published.add(new PublishedKey(key.keyId(), key.certificate.getPublicKey(),
                    key.certificate.getNotBefore().toInstant(), key == keys.lastEntry().getValue()));
        }
        return new PublicKeySet(published);
    }

    private static X509Certificate selfSigned(KeyPair pair, int sequence)
            throws GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X500Name subject = new X500Name("CN=gatehouse-signing-" + PublishedKey.keyIdOf(pair.getPublic()));
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(sequence),
                Date.from(now), Date.from(now.plus(36_500, ChronoUnit.DAYS)), subject, pair.getPublic());
        return new JcaX509CertificateConverter().setProvider(CryptoProviders.provider()).getCertificate(
                builder.build(new JcaContentSignerBuilder("Ed25519").setProvider(CryptoProviders.provider())
                        .build(pair.getPrivate())));
    }

    private record SigningKey(PrivateKey privateKey, X509Certificate certificate) {
        String keyId() {
            return PublishedKey.keyIdOf(certificate.getPublicKey());
        }
    }
}
