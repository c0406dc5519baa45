package dev.gatehouse.crypto;

import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantCipherTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final EncryptionContext PROMPT = EncryptionContext.of("record-17", "audit-content");
    private static final byte[] PLAINTEXT = "patient Jane Doe, diagnosis confidential".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    private TenantCipher cipher;

    @BeforeEach
    void createTenants() {
        LocalKeystoreKms kms = LocalKeystoreKms.open(directory.resolve("keys.bcfks"),
                MasterSecret.of("correct horse battery staple".toCharArray()));
        cipher = TenantCipher.create(kms, KeyCachePolicy.defaults());
        cipher.createTenantKey(ACME);
        cipher.createTenantKey(GLOBEX);
    }

    @Test
    void decryptsWhatItEncryptedForTheSameTenantAndContext() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertThat(cipher.decrypt(ACME, ciphertext, PROMPT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void ciphertextNeitherContainsNorRepeatsThePlaintext() {
        byte[] first = cipher.encrypt(ACME, PLAINTEXT, PROMPT);
        byte[] second = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("Jane Doe");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void ciphertextDescribesFormatAlgorithmAndKeyEncryptionKey() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertThat(Arrays.copyOf(ciphertext, 5)).containsExactly('G', 'H', 'E', 1, 1);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).contains("local/acme");
        assertThat(TenantCipher.keyVersionOf(ciphertext)).isEqualTo(1);
    }

    @Test
    void encryptsEmptyPayload() {
        byte[] ciphertext = cipher.encrypt(ACME, new byte[0], PROMPT);

        assertThat(cipher.decrypt(ACME, ciphertext, PROMPT)).isEmpty();
    }

    @Test
    void rejectsCiphertextWithFlippedBit() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);
        ciphertext[ciphertext.length - 20] ^= 0x10;

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> cipher.decrypt(ACME, ciphertext, PROMPT));
    }

    @Test
    void rejectsCiphertextWithFlippedBitInWrappedKey() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);
        int wrappedKeyStart = 5 + 1 + "local/acme".length() + 4 + 2;
        ciphertext[wrappedKeyStart + 20] ^= 0x01;

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> cipher.decrypt(ACME, ciphertext, PROMPT));
    }

    @Test
    void rejectsCiphertextWithFlippedBitInSalt() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);
        int saltEnd = ciphertext.length - PLAINTEXT.length - 16 - AesGcm.NONCE_BYTES;
        ciphertext[saltEnd - 1] ^= 0x01;

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> cipher.decrypt(ACME, ciphertext, PROMPT));
    }

    @Test
    void rejectsDifferentRecordId() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertFailsWith(ErrorCode.DECRYPTION_FAILED,
                () -> cipher.decrypt(ACME, ciphertext, EncryptionContext.of("record-18", "audit-content")));
    }

    @Test
    void rejectsDifferentPurpose() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertFailsWith(ErrorCode.DECRYPTION_FAILED,
                () -> cipher.decrypt(ACME, ciphertext, EncryptionContext.of("record-17", "response-cache")));
    }

    @Test
    void rejectsCiphertextOfAnotherTenant() {
        byte[] globexCiphertext = cipher.encrypt(GLOBEX, PLAINTEXT, PROMPT);

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> cipher.decrypt(ACME, globexCiphertext, PROMPT));
    }

    @Test
    void rejectsCiphertextOfAnotherTenantRelabelledWithOwnKeyId() {
        byte[] relabelled = new String(cipher.encrypt(GLOBEX, PLAINTEXT, PROMPT), StandardCharsets.ISO_8859_1)
                .replace("local/globex", "local/acme__").getBytes(StandardCharsets.ISO_8859_1);
        TenantId lookalike = TenantId.of("acme__");
        cipher.createTenantKey(lookalike);

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> cipher.decrypt(lookalike, relabelled, PROMPT));
    }

    @Test
    void rejectsTruncatedCiphertext() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertFailsWith(ErrorCode.MALFORMED_CIPHERTEXT,
                () -> cipher.decrypt(ACME, Arrays.copyOf(ciphertext, 30), PROMPT));
    }

    @Test
    void rejectsUnknownFormatVersion() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);
        ciphertext[3] = 2;

        assertFailsWith(ErrorCode.UNSUPPORTED_CIPHERTEXT_FORMAT, () -> cipher.decrypt(ACME, ciphertext, PROMPT));
    }

    @Test
    void refusesToEncryptForTenantWithoutKey() {
        assertFailsWith(ErrorCode.KEY_NOT_FOUND, () -> cipher.encrypt(TenantId.of("initech"), PLAINTEXT, PROMPT));
    }

    @Test
    void encryptsWithNewKeyVersionAfterRotationAndStillDecryptsOldCiphertext() {
        byte[] beforeRotation = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertThat(cipher.rotateTenantKey(ACME)).isEqualTo(2);
        byte[] afterRotation = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        assertThat(TenantCipher.keyVersionOf(afterRotation)).isEqualTo(2);
        assertThat(cipher.decrypt(ACME, beforeRotation, PROMPT)).isEqualTo(PLAINTEXT);
        assertThat(cipher.decrypt(ACME, afterRotation, PROMPT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void rewrapMovesDataKeyToNewestVersionWithoutTouchingPayload() {
        byte[] original = cipher.encrypt(ACME, PLAINTEXT, PROMPT);
        cipher.rotateTenantKey(ACME);
        cipher.rotateTenantKey(ACME);

        byte[] rewrapped = cipher.rewrap(ACME, original);

        assertThat(TenantCipher.keyVersionOf(rewrapped)).isEqualTo(3);
        int payloadLength = PLAINTEXT.length + 16 + AesGcm.NONCE_BYTES + 32;
        assertThat(Arrays.copyOfRange(rewrapped, rewrapped.length - payloadLength, rewrapped.length))
                .isEqualTo(Arrays.copyOfRange(original, original.length - payloadLength, original.length));
        assertThat(cipher.decrypt(ACME, rewrapped, PROMPT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void refusesToRewrapCiphertextOfAnotherTenant() {
        byte[] globexCiphertext = cipher.encrypt(GLOBEX, PLAINTEXT, PROMPT);

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> cipher.rewrap(ACME, globexCiphertext));
    }

    @Test
    void cannotDecryptAfterTenantKeyIsDestroyed() {
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, PROMPT);

        cipher.destroyTenantKey(ACME);

        assertFailsWith(ErrorCode.KEY_DESTROYED, () -> cipher.decrypt(ACME, ciphertext, PROMPT));
        assertFailsWith(ErrorCode.KEY_DESTROYED, () -> cipher.rewrap(ACME, ciphertext));
        assertFailsWith(ErrorCode.KEY_NOT_FOUND, () -> cipher.encrypt(ACME, PLAINTEXT, PROMPT));
    }

    @Test
    void shreddingOneTenantLeavesOthersReadable() {
        byte[] globexCiphertext = cipher.encrypt(GLOBEX, PLAINTEXT, PROMPT);

        cipher.destroyTenantKey(ACME);

        assertThat(cipher.decrypt(GLOBEX, globexCiphertext, PROMPT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void encryptsAndDecryptsConcurrentlyForSeveralTenants() throws Exception {
        List<TenantId> tenants = List.of(ACME, GLOBEX, TenantId.of("initech"), TenantId.of("umbrella"));
        tenants.forEach(cipher::createTenantKey);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 64; task++) {
                TenantId tenant = tenants.get(task % tenants.size());
                int taskNumber = task;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        EncryptionContext context = EncryptionContext.of("r-" + taskNumber + "-" + i, "audit-content");
                        byte[] payload = ("payload " + taskNumber + "/" + i).getBytes(StandardCharsets.UTF_8);
                        if (!Arrays.equals(payload, cipher.decrypt(tenant, cipher.encrypt(tenant, payload, context), context))) {
                            return false;
                        }
                    }
                    return true;
                }));
                if (task == 32) {
                    cipher.rotateTenantKey(ACME);
                }
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
