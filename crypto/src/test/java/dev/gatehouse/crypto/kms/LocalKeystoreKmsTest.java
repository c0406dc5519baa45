package dev.gatehouse.crypto.kms;

import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.EncryptedKeystore;
import dev.gatehouse.crypto.keystore.MasterSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeystoreKmsTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final MasterSecret SECRET = MasterSecret.of("correct horse battery staple".toCharArray());

    @TempDir
    Path directory;

    private Path keystoreFile() {
        return directory.resolve("keys.bcfks");
    }

    @Test
    void unwrapsDataKeysAfterReopeningTheKeystore() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(keystoreFile(), SECRET);
        kms.createKey(ACME);
        DataKey dataKey = kms.generateDataKey(ACME);

        LocalKeystoreKms reopened = LocalKeystoreKms.open(keystoreFile(), SECRET);

        assertThat(reopened.unwrapDataKey(ACME, dataKey.wrapped()).getEncoded()).isEqualTo(dataKey.key().getEncoded());
    }

    @Test
    void keepsAllKeyVersionsAcrossReopen() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(keystoreFile(), SECRET);
        kms.createKey(ACME);
        DataKey wrappedByVersionOne = kms.generateDataKey(ACME);
        kms.rotateKey(ACME);

        LocalKeystoreKms reopened = LocalKeystoreKms.open(keystoreFile(), SECRET);

        assertThat(reopened.generateDataKey(ACME).wrapped().kekVersion()).isEqualTo(2);
        assertThat(reopened.unwrapDataKey(ACME, wrappedByVersionOne.wrapped()).getEncoded())
                .isEqualTo(wrappedByVersionOne.key().getEncoded());
        assertThat(reopened.rewrapDataKey(ACME, wrappedByVersionOne.wrapped()).kekVersion()).isEqualTo(2);
    }

    @Test
    void createKeyIsIdempotent() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(keystoreFile(), SECRET);
        kms.createKey(ACME);
        DataKey dataKey = kms.generateDataKey(ACME);

        kms.createKey(ACME);

        assertThat(kms.unwrapDataKey(ACME, dataKey.wrapped()).getEncoded()).isEqualTo(dataKey.key().getEncoded());
    }

    @Test
    void refusesToOpenWithWrongMasterSecret() {
        LocalKeystoreKms.open(keystoreFile(), SECRET).createKey(ACME);

        assertFailsWith(ErrorCode.KEYSTORE_UNAVAILABLE,
                () -> LocalKeystoreKms.open(keystoreFile(), MasterSecret.of("not the right secret!".toCharArray())));
    }

    @Test
    void destroyedKeyIsGoneFromTheKeystoreFile() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(keystoreFile(), SECRET);
        kms.createKey(ACME);
        kms.rotateKey(ACME);
        kms.createKey(TenantId.of("globex"));
        DataKey dataKey = kms.generateDataKey(ACME);

        kms.destroyKey(ACME);

        assertThat(EncryptedKeystore.openOrCreate(keystoreFile(), SECRET).aliases())
                .containsExactly("kek.globex.1");
        LocalKeystoreKms reopened = LocalKeystoreKms.open(keystoreFile(), SECRET);
        assertFailsWith(ErrorCode.KEY_DESTROYED, () -> reopened.unwrapDataKey(ACME, dataKey.wrapped()));
        assertThat(reopened.tenants()).containsExactly(TenantId.of("globex"));
    }

    @Test
    void rejectsWrappedKeyOfAnotherTenant() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(keystoreFile(), SECRET);
        kms.createKey(ACME);
        TenantId globex = TenantId.of("globex");
        kms.createKey(globex);

        WrappedKey acmeKey = kms.generateDataKey(ACME).wrapped();

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> kms.unwrapDataKey(globex, acmeKey));
    }

    /**
     * A request thread is interrupted when its HTTP client gives up (Reactor cancels the worker): a
     * rotation caught writing the keystore then must neither fail nor leave the file behind memory.
     */
    @Test
    void rotationOnAnInterruptedThreadIsPersisted() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(keystoreFile(), SECRET);
        kms.createKey(ACME);

        Thread.currentThread().interrupt();
        int version;
        try {
            version = kms.rotateKey(ACME);
        } finally {
            Thread.interrupted();
        }

        assertThat(version).isEqualTo(2);
        assertThat(LocalKeystoreKms.open(keystoreFile(), SECRET).generateDataKey(ACME).wrapped().kekVersion()).isEqualTo(2);
    }

    @Test
    void keystoreFileIsReadableByItsOwnerOnly() throws Exception {
        LocalKeystoreKms.open(keystoreFile(), SECRET).createKey(ACME);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystoreFile()))).isEqualTo("rw-------");
    }
}
