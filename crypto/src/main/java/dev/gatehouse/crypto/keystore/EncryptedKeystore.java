package dev.gatehouse.crypto.keystore;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.CryptoProviders;
import dev.gatehouse.crypto.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * A Bouncy Castle FIPS keystore (BCFKS) file: entries are encrypted and the file is integrity-protected
 * with keys derived from the {@link MasterSecret}. Every change is written to a temporary file and moved
 * over the old one atomically, so a crash never leaves a half-written keystore and a deleted entry is gone
 * from the file on disk as soon as {@link #deleteAll} returns. Thread-safe.
 */
public final class EncryptedKeystore {

    private static final String TYPE = "BCFKS";

    private final Path file;
    private final MasterSecret secret;
    private final KeyStore keyStore;

    private EncryptedKeystore(Path file, MasterSecret secret, KeyStore keyStore) {
        this.file = file;
        this.secret = secret;
        this.keyStore = keyStore;
    }

    /** Opens the keystore file, creating an empty one if it does not exist yet. */
    public static EncryptedKeystore openOrCreate(Path file, MasterSecret secret) {
        try {
            KeyStore keyStore = KeyStore.getInstance(TYPE, CryptoProviders.provider());
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    keyStore.load(in, secret.chars());
                }
            } else {
                keyStore.load(null, null);
            }
            EncryptedKeystore keystore = new EncryptedKeystore(file.toAbsolutePath(), secret, keyStore);
            if (!Files.exists(file)) {
                keystore.save();
            }
            return keystore;
        } catch (IOException | GeneralSecurityException e) {
            throw new CryptoException(ErrorCode.KEYSTORE_UNAVAILABLE,
                    "cannot open keystore " + file + " (wrong master secret or corrupt file)", e);
        }
    }

    public synchronized List<String> aliases() {
        try {
            return Collections.list(keyStore.aliases());
        } catch (GeneralSecurityException e) {
            throw failure("list", e);
        }
    }

    public synchronized SecretKey secretKey(String alias) {
        return (SecretKey) key(alias);
    }

    public synchronized PrivateKey privateKey(String alias) {
        return (PrivateKey) key(alias);
    }

    public synchronized Certificate certificate(String alias) {
        try {
            return keyStore.getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw failure("read", e);
        }
    }

    /** Adds a secret key and persists the keystore. */
    public synchronized void put(String alias, SecretKey key) {
        setEntry(alias, new KeyStore.SecretKeyEntry(key));
    }

    /** Adds a private key with its (self-signed) certificate and persists the keystore. */
    public synchronized void put(String alias, PrivateKey key, Certificate certificate) {
        setEntry(alias, new KeyStore.PrivateKeyEntry(key, new Certificate[] {certificate}));
    }

    /** Removes the entries and persists the keystore, so the file no longer contains them. */
    public synchronized void deleteAll(List<String> aliases) {
        try {
            for (String alias : aliases) {
                keyStore.deleteEntry(alias);
            }
        } catch (GeneralSecurityException e) {
            throw failure("delete from", e);
        }
        save();
    }

    private Key key(String alias) {
        try {
            return keyStore.getKey(alias, secret.chars());
        } catch (GeneralSecurityException e) {
            throw failure("read", e);
        }
    }

    /** Memory and file agree afterwards: an entry that could not be saved is taken out again. */
    private void setEntry(String alias, KeyStore.Entry entry) {
        try {
            keyStore.setEntry(alias, entry, new KeyStore.PasswordProtection(secret.chars()));
        } catch (GeneralSecurityException e) {
            throw failure("write", e);
        }
        try {
            save();
        } catch (CryptoException e) {
            try {
                keyStore.deleteEntry(alias);
            } catch (GeneralSecurityException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /**
     * Written through a stream rather than a {@code FileChannel}: a channel is closed by an interrupt
     * of the writing thread, and a request thread is interrupted whenever its client gives up.
     */
    private void save() {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            ByteArrayOutputStream serialized = new ByteArrayOutputStream();
            keyStore.store(serialized, secret.chars());
            try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
                restrictToOwner(temporary);
                out.write(serialized.toByteArray());
                out.getFD().sync();
            }
            moveIntoPlace(temporary);
        } catch (IOException | GeneralSecurityException e) {
            throw failure("save", e);
        }
    }

    private void moveIntoPlace(Path temporary) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void restrictToOwner(Path path) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private CryptoException failure(String action, Exception cause) {
        return new CryptoException(ErrorCode.KEYSTORE_UNAVAILABLE, "cannot " + action + " keystore " + file, cause);
    }
}
