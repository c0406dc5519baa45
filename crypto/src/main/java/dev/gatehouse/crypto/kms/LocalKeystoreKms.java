package dev.gatehouse.crypto.kms;

import dev.gatehouse.crypto.AesGcm;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.CryptoProviders;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.EncryptedKeystore;
import dev.gatehouse.crypto.keystore.MasterSecret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import javax.crypto.SecretKey;

/**
 * Key service of the embedded deployment: each tenant's KEK versions are AES-256 keys in a BCFKS keystore
 * file protected by a {@link MasterSecret}. A data key is wrapped with AES-GCM under the newest KEK version;
 * the tenant id, KEK id and version are authenticated with it, so a wrapped key only unwraps for its tenant.
 *
 * <p>Keystore aliases are {@code kek.<tenant>.<version>}. Thread-safe; one instance per keystore file.
 */
public final class LocalKeystoreKms implements KeyManagementService {

    private static final String ALIAS_PREFIX = "kek.";
    private static final byte[] WRAP_LABEL = "gatehouse/local-kek-wrap/v1".getBytes(StandardCharsets.US_ASCII);

    private final EncryptedKeystore keystore;
    private final Map<TenantId, NavigableMap<Integer, SecretKey>> keks = new HashMap<>();

    private LocalKeystoreKms(EncryptedKeystore keystore) {
        this.keystore = keystore;
        for (String alias : keystore.aliases()) {
            if (alias.startsWith(ALIAS_PREFIX)) {
                int versionDot = alias.lastIndexOf('.');
                TenantId tenant = TenantId.of(alias.substring(ALIAS_PREFIX.length(), versionDot));
                int version = Integer.parseInt(alias.substring(versionDot + 1));
                keks.computeIfAbsent(tenant, t -> new TreeMap<>()).put(version, null);
            }
        }
    }

    /** Opens (or creates) the keystore file; KEKs are decrypted lazily on first use. */
    public static LocalKeystoreKms open(Path keystoreFile, MasterSecret masterSecret) {
        return new LocalKeystoreKms(EncryptedKeystore.openOrCreate(keystoreFile, masterSecret));
    }

    @Override
    public String keyId(TenantId tenant) {
        return "local/" + tenant.value();
    }

    @Override
    public synchronized void createKey(TenantId tenant) {
        if (!keks.containsKey(tenant)) {
            addVersion(tenant, 1);
        }
    }

    @Override
    public synchronized DataKey generateDataKey(TenantId tenant) {
        SecretKey dataKey = AesGcm.newKey();
        return new DataKey(dataKey, wrap(tenant, dataKey));
    }

    @Override
    public synchronized SecretKey unwrapDataKey(TenantId tenant, WrappedKey wrapped) {
        byte[] bytes = wrapped.ciphertext();
        if (bytes.length <= AesGcm.NONCE_BYTES) {
            throw new CryptoException(ErrorCode.MALFORMED_CIPHERTEXT, "wrapped key is too short");
        }
        byte[] nonce = Arrays.copyOf(bytes, AesGcm.NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(bytes, AesGcm.NONCE_BYTES, bytes.length);
        SecretKey kek = kekVersion(tenant, wrapped.kekVersion(), ErrorCode.KEY_DESTROYED);
        return AesGcm.aesKey(AesGcm.open(kek, nonce, wrapAssociatedData(tenant, wrapped.kekVersion()), sealed));
    }

    @Override
    public synchronized WrappedKey rewrapDataKey(TenantId tenant, WrappedKey wrapped) {
        return wrap(tenant, unwrapDataKey(tenant, wrapped));
    }

    @Override
    public synchronized int rotateKey(TenantId tenant) {
        int next = versions(tenant, ErrorCode.KEY_NOT_FOUND).lastKey() + 1;
        addVersion(tenant, next);
        return next;
    }

    @Override
    public synchronized void destroyKey(TenantId tenant) {
        NavigableMap<Integer, SecretKey> versions = keks.remove(tenant);
        if (versions != null) {
            keystore.deleteAll(versions.keySet().stream().map(version -> alias(tenant, version)).toList());
        }
    }

    /** Tenants that currently have a KEK, for operators and the rewrap job. */
    public synchronized List<TenantId> tenants() {
        return List.copyOf(keks.keySet());
    }

    private WrappedKey wrap(TenantId tenant, SecretKey dataKey) {
        int version = versions(tenant, ErrorCode.KEY_NOT_FOUND).lastKey();
        byte[] nonce = CryptoProviders.randomBytes(AesGcm.NONCE_BYTES);
        byte[] sealed = AesGcm.seal(kekVersion(tenant, version, ErrorCode.KEY_NOT_FOUND), nonce, wrapAssociatedData(tenant, version),
                dataKey.getEncoded());
        byte[] bytes = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
        return new WrappedKey(keyId(tenant), version, bytes);
    }

    private byte[] wrapAssociatedData(TenantId tenant, int version) {
        byte[] kekId = keyId(tenant).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(WRAP_LABEL.length + 2 + kekId.length + 4)
                .put(WRAP_LABEL).putShort((short) kekId.length).put(kekId).putInt(version).array();
    }

    private void addVersion(TenantId tenant, int version) {
        SecretKey kek = AesGcm.newKey();
        keystore.put(alias(tenant, version), kek);
        keks.computeIfAbsent(tenant, t -> new TreeMap<>()).put(version, kek);
    }

    private SecretKey kekVersion(TenantId tenant, int version, ErrorCode whenTenantHasNoKek) {
        NavigableMap<Integer, SecretKey> versions = versions(tenant, whenTenantHasNoKek);
        if (!versions.containsKey(version)) {
            throw new CryptoException(ErrorCode.KEY_NOT_FOUND, "tenant " + tenant + " has no KEK version " + version);
        }
        return versions.computeIfAbsent(version, v -> keystore.secretKey(alias(tenant, v)));
    }

    /**
     * A wrapped key can only exist if its tenant once had a KEK, so unwrapping for a tenant without one
     * reports {@code KEY_DESTROYED}; creating new data keys for it reports {@code KEY_NOT_FOUND}.
     */
    private NavigableMap<Integer, SecretKey> versions(TenantId tenant, ErrorCode whenTenantHasNoKek) {
        NavigableMap<Integer, SecretKey> versions = keks.get(tenant);
        if (versions == null) {
            String reason = whenTenantHasNoKek == ErrorCode.KEY_DESTROYED ? "was destroyed" : "does not exist";
            throw new CryptoException(whenTenantHasNoKek, "the KEK of tenant " + tenant + " " + reason);
        }
        return versions;
    }

    private static String alias(TenantId tenant, int version) {
        return ALIAS_PREFIX + tenant.value() + "." + version;
    }
}
