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

    public static BackendSecrets inTemporaryKeystore() {
        return new BackendSecrets(cipherInTemporaryKeystore());
    }

    public static TenantCipher cipherInTemporaryKeystore() {
        try {
            Path keystore = Files.createTempDirectory("gatehouse-catalog-keys").resolve("keks.bcfks");
            return TenantCipher.create(LocalKeystoreKms.open(keystore, MasterSecret.of("catalog-test-master-secret".toCharArray())),
                    KeyCachePolicy.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
