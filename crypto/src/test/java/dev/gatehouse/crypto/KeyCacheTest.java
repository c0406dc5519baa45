package dev.gatehouse.crypto;

import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.DataKey;
import dev.gatehouse.crypto.kms.KeyManagementService;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import dev.gatehouse.crypto.kms.WrappedKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCacheTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final EncryptionContext CONTEXT = EncryptionContext.of("record-1", "audit-content");
    private static final byte[] PLAINTEXT = {1, 2, 3};
    private static final Duration TTL = Duration.ofMinutes(5);

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock();
    private OutageSwitchKms kms;

    @BeforeEach
    void createKeyService() {
        kms = new OutageSwitchKms(LocalKeystoreKms.open(directory.resolve("keys.bcfks"),
                MasterSecret.of("a master secret of some length".toCharArray())));
        kms.createKey(ACME);
    }

    @Test
    void reusesDataKeyWithinTimeToLiveButDerivesAFreshKeyPerObject() {
        TenantCipher cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 100), clock);

        byte[] first = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        byte[] second = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);

        assertThat(kms.generated.get()).isEqualTo(1);
        assertThat(first).isNotEqualTo(second);
        assertThat(cipher.decrypt(ACME, second, CONTEXT)).isEqualTo(PLAINTEXT);
        assertThat(kms.unwrapped.get()).isZero();
    }

    @Test
    void fetchesNewDataKeyOnceTimeToLiveHasPassed() {
        TenantCipher cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 100), clock);
        cipher.encrypt(ACME, PLAINTEXT, CONTEXT);

        clock.advance(TTL);
        cipher.encrypt(ACME, PLAINTEXT, CONTEXT);

        assertThat(kms.generated.get()).isEqualTo(2);
    }

    @Test
    void fetchesNewDataKeyOnceItsEncryptionBudgetIsUsed() {
        TenantCipher cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 3, 100), clock);

        for (int i = 0; i < 7; i++) {
            cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        }

        assertThat(kms.generated.get()).isEqualTo(3);
    }

    @Test
    void withoutCachingEveryObjectGetsItsOwnDataKeyAndEveryDecryptionUnwraps() {
        TenantCipher cipher = new TenantCipher(kms, KeyCachePolicy.noCaching(), clock);

        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        cipher.decrypt(ACME, ciphertext, CONTEXT);
        cipher.decrypt(ACME, ciphertext, CONTEXT);

        assertThat(kms.generated.get()).isEqualTo(2);
        assertThat(kms.unwrapped.get()).isEqualTo(2);
    }

    @Test
    void keepsWorkingFromCacheDuringOutageThenFailsClosed() {
        TenantCipher cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 100), clock);
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);

        kms.down = true;
        clock.advance(TTL.minusSeconds(1));
        byte[] writtenDuringOutage = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        assertThat(cipher.decrypt(ACME, ciphertext, CONTEXT)).isEqualTo(PLAINTEXT);

        clock.advance(Duration.ofSeconds(1));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.decrypt(ACME, writtenDuringOutage, CONTEXT));

        kms.down = false;
        assertThat(cipher.decrypt(ACME, writtenDuringOutage, CONTEXT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void evictsLeastRecentlyUsedUnwrappedKeysBeyondTheBound() {
        TenantCipher writer = new TenantCipher(kms, KeyCachePolicy.noCaching(), clock);
        byte[][] ciphertexts = new byte[3][];
        for (int i = 0; i < ciphertexts.length; i++) {
            ciphertexts[i] = writer.encrypt(ACME, PLAINTEXT, CONTEXT);
        }
        TenantCipher reader = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 2), clock);
        int before = kms.unwrapped.get();

        reader.decrypt(ACME, ciphertexts[0], CONTEXT);
        reader.decrypt(ACME, ciphertexts[1], CONTEXT);
        reader.decrypt(ACME, ciphertexts[2], CONTEXT);
        reader.decrypt(ACME, ciphertexts[0], CONTEXT);

        assertThat(kms.unwrapped.get() - before).isEqualTo(4);
    }

    @Test
    void rotationTakesEffectAtOnceInThisProcess() {
        TenantCipher cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 100), clock);
        cipher.encrypt(ACME, PLAINTEXT, CONTEXT);

        cipher.rotateTenantKey(ACME);

        assertThat(TenantCipher.keyVersionOf(cipher.encrypt(ACME, PLAINTEXT, CONTEXT))).isEqualTo(2);
    }

    @Test
    void destroyingTheKeyDropsCachedKeysAtOnce() {
        TenantCipher cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 100), clock);
        byte[] ciphertext = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);

        cipher.destroyTenantKey(ACME);

        assertFailsWith(ErrorCode.KEY_DESTROYED, () -> cipher.decrypt(ACME, ciphertext, CONTEXT));
        assertFailsWith(ErrorCode.KEY_NOT_FOUND, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));
    }

    /** Counts calls and can simulate an unreachable key service. */
    private static final class OutageSwitchKms implements KeyManagementService {
        private final KeyManagementService delegate;
        final AtomicInteger generated = new AtomicInteger();
        final AtomicInteger unwrapped = new AtomicInteger();
        volatile boolean down;

        OutageSwitchKms(KeyManagementService delegate) {
            this.delegate = delegate;
        }

        private void requireUp() {
            if (down) {
                throw new CryptoException(ErrorCode.KEY_SERVICE_UNAVAILABLE, "simulated outage");
            }
        }

        @Override
        public String keyId(TenantId tenant) {
            return delegate.keyId(tenant);
        }

        @Override
        public void createKey(TenantId tenant) {
            requireUp();
            delegate.createKey(tenant);
        }

        @Override
        public DataKey generateDataKey(TenantId tenant) {
            requireUp();
            generated.incrementAndGet();
            return delegate.generateDataKey(tenant);
        }

        @Override
        public SecretKey unwrapDataKey(TenantId tenant, WrappedKey wrapped) {
            requireUp();
            unwrapped.incrementAndGet();
            return delegate.unwrapDataKey(tenant, wrapped);
        }

        @Override
        public WrappedKey rewrapDataKey(TenantId tenant, WrappedKey wrapped) {
            requireUp();
            return delegate.rewrapDataKey(tenant, wrapped);
        }

        @Override
        public int rotateKey(TenantId tenant) {
            requireUp();
            return delegate.rotateKey(tenant);
        }

        @Override
        public void destroyKey(TenantId tenant) {
            requireUp();
            delegate.destroyKey(tenant);
        }
    }
}
