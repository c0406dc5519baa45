package dev.gatehouse.catalog;

import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Backend secrets sealed with a real local keystore in a temporary directory, as the embedded default does. */
public final class TestSecrets {

    private TestSecrets() {
    }

    /** Opening a keystore derives its key slowly on purpose, so the tests of one JVM share one. */
    private static final TenantCipher SHARED = cipherInTemporaryKeystore();

    public static BackendSecrets inTemporaryKeystore() {
        return new BackendSecrets(SHARED);
    }

    /** Secrets under a key of their own, as another replica with its own local keystore has. */
    public static BackendSecrets inAnotherTemporaryKeystore() {
        return new BackendSecrets(cipherInTemporaryKeystore());
    }

    private static TenantCipher cipherInTemporaryKeystore() {
        try {
            Path keystore = Files.createTempDirectory("gatehouse-catalog-keys").resolve("keks.bcfks");
            return TenantCipher.create(LocalKeystoreKms.open(keystore, MasterSecret.of("catalog-test-master-secret".toCharArray())),
                    KeyCachePolicy.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
