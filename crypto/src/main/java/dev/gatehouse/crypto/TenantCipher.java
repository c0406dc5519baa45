package dev.gatehouse.crypto;

import dev.gatehouse.crypto.kms.DataKey;
import dev.gatehouse.crypto.kms.KeyManagementService;
import dev.gatehouse.crypto.kms.WrappedKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts payloads for a tenant with envelope encryption: AES-256-GCM under a per-object key,
 * derived from a data key that the tenant's key-encryption key (KEK) wraps in a {@link KeyManagementService}.
 * The tenant id and the {@link EncryptionContext} are authenticated, so a ciphertext only decrypts for the
 * same tenant, record and purpose. The output is self-describing (format version, algorithm, KEK id and
 * version, wrapped data key, salt, nonce), so old ciphertexts stay readable as keys rotate.
 *
 * <p>Every failure is a {@link CryptoException} with an {@link ErrorCode}; nothing is ever returned
 * unencrypted. Thread-safe; create one per process and key service.
 */
public final class TenantCipher {

    private static final byte[] ASSOCIATED_DATA_LABEL = "gatehouse/envelope/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_DERIVATION_INFO = "gatehouse/envelope/v1/aes-256-gcm".getBytes(StandardCharsets.US_ASCII);

    private final KeyManagementService kms;
    private final KeyCache keys;

    TenantCipher(KeyManagementService kms, KeyCachePolicy cachePolicy, Clock clock) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keys = new KeyCache(kms, Objects.requireNonNull(cachePolicy, "cachePolicy"), clock);
    }

    public static TenantCipher create(KeyManagementService kms, KeyCachePolicy cachePolicy) {
        return new TenantCipher(kms, cachePolicy, Clock.systemUTC());
    }

    /** Creates the tenant's KEK if it does not exist yet; call when a tenant is provisioned. */
    public void createTenantKey(TenantId tenant) {
        kms.createKey(tenant);
    }

    public byte[] encrypt(TenantId tenant, byte[] plaintext, EncryptionContext context) {
        Objects.requireNonNull(plaintext, "plaintext");
        DataKey dataKey = keys.dataKeyForEncryption(tenant);
        byte[] salt = CryptoProviders.randomBytes(Envelope.SALT_BYTES);
        byte[] nonce = CryptoProviders.randomBytes(AesGcm.NONCE_BYTES);
        byte[] ciphertext = AesGcm.seal(objectKey(dataKey.key(), salt), nonce,
                associatedData(tenant, context, salt, nonce), plaintext);
        return new Envelope(dataKey.wrapped(), salt, nonce, ciphertext).encode();
    }

    /** Fails with {@code DECRYPTION_FAILED} unless tenant and context are exactly those used to encrypt. */
    public byte[] decrypt(TenantId tenant, byte[] ciphertext, EncryptionContext context) {
        Envelope envelope = Envelope.decode(ciphertext);
        requireKeyOfTenant(tenant, envelope.wrappedKey());
        SecretKey dataKey = keys.unwrap(tenant, envelope.wrappedKey());
        return AesGcm.open(objectKey(dataKey, envelope.salt()), envelope.nonce(),
                associatedData(tenant, context, envelope.salt(), envelope.nonce()), envelope.ciphertext());
    }

    /**
     * Moves a ciphertext's data key to the newest version of the tenant's KEK, without decrypting the
     * payload. Returns the new ciphertext; the old one stays decryptable until its KEK version is retired.
     */
    public byte[] rewrap(TenantId tenant, byte[] ciphertext) {
        Envelope envelope = Envelope.decode(ciphertext);
        requireKeyOfTenant(tenant, envelope.wrappedKey());
        return envelope.withWrappedKey(kms.rewrapDataKey(tenant, envelope.wrappedKey())).encode();
    }

    /** The KEK version a ciphertext's data key is wrapped with, so a rewrap job can skip current ones. */
    public static int keyVersionOf(byte[] ciphertext) {
        return Envelope.decode(ciphertext).wrappedKey().kekVersion();
    }

    /** Starts a new KEK version; this process encrypts with it at once, others within the cache TTL. */
    public int rotateTenantKey(TenantId tenant) {
        int version = kms.rotateKey(tenant);
        keys.forget(tenant);
        return version;
    }

    /**
     * Crypto-shreds the tenant: destroys every version of its KEK, after which its ciphertexts fail to
     * decrypt with {@code KEY_DESTROYED} (in other processes once their cached keys expire).
     */
    public void destroyTenantKey(TenantId tenant) {
        keys.forget(tenant);
        kms.destroyKey(tenant);
        // again: a concurrent encryption may have cached a data key while the KEK was being destroyed
        keys.forget(tenant);
    }

    private void requireKeyOfTenant(TenantId tenant, WrappedKey wrapped) {
        if (!wrapped.kekId().equals(kms.keyId(tenant))) {
            throw new CryptoException(ErrorCode.DECRYPTION_FAILED, "ciphertext was not encrypted for tenant " + tenant);
        }
    }

    /** HKDF-SHA256 (RFC 5869) for one 32-byte block: extract with the salt, expand with a fixed label. */
    private static SecretKey objectKey(SecretKey dataKey, byte[] salt) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256", CryptoProviders.provider());
            extract.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] pseudoRandomKey = extract.doFinal(dataKey.getEncoded());
            Mac expand = Mac.getInstance("HmacSHA256", CryptoProviders.provider());
            expand.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
            expand.update(KEY_DERIVATION_INFO);
            expand.update((byte) 1);
            return AesGcm.aesKey(expand.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in " + CryptoProviders.provider().getName(), e);
        }
    }

    private static byte[] associatedData(TenantId tenant, EncryptionContext context, byte[] salt, byte[] nonce) {
        byte[][] fields = {
            ASSOCIATED_DATA_LABEL, {Envelope.FORMAT_VERSION, Envelope.ALGORITHM_AES256_GCM_HKDF},
            tenant.value().getBytes(StandardCharsets.UTF_8),
            context.recordId().getBytes(StandardCharsets.UTF_8),
            context.purpose().getBytes(StandardCharsets.UTF_8),
            salt, nonce
        };
        int length = 0;
        for (byte[] field : fields) {
            length += 4 + field.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] field : fields) {
            out.putInt(field.length).put(field);
        }
        return out.array();
    }
}
