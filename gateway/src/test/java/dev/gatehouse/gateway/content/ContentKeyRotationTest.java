package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.DataKey;
import dev.gatehouse.crypto.kms.KeyManagementService;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import dev.gatehouse.crypto.kms.WrappedKey;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.SecretKey;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key rotation rewraps every stored record or, stopped half-way, leaves every record readable
 * for the next rotation to finish; a caller who gives up does not stop it.
 */
class ContentKeyRotationTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final int RECORDS = 40;

    @TempDir
    Path keys;

    private DataSource dataSource;
    private ContentLog contentLog;
    private SteerableKms kms;
    private TenantCipher cipher;
    private ContentKeyRotation rotation;
    private UUID tenant;

    @BeforeEach
    void tenantWithStoredContent() {
        dataSource = TestPostgres.freshDatabase();
        AuditLog.migrate(dataSource);
        contentLog = new ContentLog(dataSource);
        kms = new SteerableKms(LocalKeystoreKms.open(keys.resolve("keks.bcfks"), MasterSecret.of("test master secret".toCharArray())));
        cipher = TenantCipher.create(kms, KeyCachePolicy.defaults());
        rotation = new ContentKeyRotation(cipher, contentLog);
        tenant = UUID.randomUUID();
        cipher.createTenantKey(TenantId.of(tenant.toString()));
        List<ContentSealer.PlainContent> contents = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            contents.add(new ContentSealer.PlainContent("call-" + i, "request-" + i, tenant, NOW, 7,
                    ("prompt " + i).getBytes(StandardCharsets.UTF_8), ("answer " + i).getBytes(StandardCharsets.UTF_8)));
        }
        ContentSealer sealer = new ContentSealer(cipher);
        contentLog.store(contents.stream().map(sealer::seal).toList());
    }

    @AfterEach
    void stopRotations() {
        kms.releaseRewraps();
        rotation.close();
    }

    @Test
    void rotationRewrapsEveryRecordToTheNewVersionAndTheyStillOpen() {
        assertThat(rotation.rotate(tenant).join()).isEqualTo(new ContentKeyRotation.Result(2, RECORDS));

        assertEveryRecordOpensAndIsOnVersion(2);
    }

    @Test
    void rotationStoppedHalfWayLeavesEveryRecordReadableAndTheNextOneCompletesIt() {
        kms.failRewrapsAfter(RECORDS);

        assertThatThrownBy(() -> rotation.rotate(tenant).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CryptoException.class);
        assertThat(versionsOfStoredRecords()).containsOnly(1, 2);
        assertEveryRecordOpens();

        kms.failRewrapsAfter(Integer.MAX_VALUE);
        assertThat(rotation.rotate(tenant).join()).isEqualTo(new ContentKeyRotation.Result(3, RECORDS));

        assertEveryRecordOpensAndIsOnVersion(3);
    }

    @Test
    void aCallerWhoGivesUpLeavesTheRotationRunningAndOneWhoAsksMeanwhileGetsItsResult() throws Exception {
        kms.holdRewraps();
        CompletableFuture<ContentKeyRotation.Result> abandoned = rotation.rotate(tenant);
        kms.awaitHeldRewrap();

        abandoned.cancel(true);
        CompletableFuture<ContentKeyRotation.Result> retried = rotation.rotate(tenant);
        kms.releaseRewraps();

        assertThat(retried.get(30, TimeUnit.SECONDS)).isEqualTo(new ContentKeyRotation.Result(2, RECORDS));
        assertEveryRecordOpensAndIsOnVersion(2);
    }

    @Test
    void aRotationAfterAFinishedOneStartsANewVersion() {
        rotation.rotate(tenant).join();

        assertThat(rotation.rotate(tenant).join()).isEqualTo(new ContentKeyRotation.Result(3, RECORDS));
    }

    private void assertEveryRecordOpensAndIsOnVersion(int version) {
        assertThat(versionsOfStoredRecords()).containsOnly(version);
        assertEveryRecordOpens();
    }

    private List<Integer> versionsOfStoredRecords() {
        return JdbcClient.create(dataSource).sql("SELECT prompt, completion FROM audit.content_records").query((row, index) -> {
            int prompt = TenantCipher.keyVersionOf(row.getBytes("prompt"));
            assertThat(TenantCipher.keyVersionOf(row.getBytes("completion"))).as("prompt and completion rewrapped together").isEqualTo(prompt);
            return prompt;
        }).list();
    }

    private void assertEveryRecordOpens() {
        TenantId tenantKey = TenantId.of(tenant.toString());
        for (int i = 0; i < RECORDS; i++) {
            EncryptedContent stored = contentLog.find(tenant, "call-" + i).orElseThrow();
            assertThat(new String(cipher.decrypt(tenantKey, stored.promptCiphertext(),
                    EncryptionContext.of("call-" + i, ContentSealer.PROMPT_PURPOSE)), StandardCharsets.UTF_8)).isEqualTo("prompt " + i);
            assertThat(new String(cipher.decrypt(tenantKey, stored.completionCiphertext(),
                    EncryptionContext.of("call-" + i, ContentSealer.COMPLETION_PURPOSE)), StandardCharsets.UTF_8)).isEqualTo("answer " + i);
        }
    }

    /** The local key service, with rewraps that can be made to fail after a number of them, or to wait. */
    private static final class SteerableKms implements KeyManagementService {
        private final KeyManagementService delegate;
        private final AtomicInteger rewrapsLeft = new AtomicInteger(Integer.MAX_VALUE);
        private final CountDownLatch rewrapHeld = new CountDownLatch(1);
        private volatile CountDownLatch release = new CountDownLatch(0);

        SteerableKms(KeyManagementService delegate) {
            this.delegate = delegate;
        }

        void failRewrapsAfter(int count) {
            rewrapsLeft.set(count);
        }

        void holdRewraps() {
            release = new CountDownLatch(1);
        }

        void awaitHeldRewrap() throws InterruptedException {
            assertThat(rewrapHeld.await(30, TimeUnit.SECONDS)).as("a rewrap started").isTrue();
        }

        void releaseRewraps() {
            release.countDown();
        }

        @Override
        public WrappedKey rewrapDataKey(TenantId tenant, WrappedKey wrapped) {
            if (rewrapsLeft.getAndDecrement() <= 0) {
                throw new CryptoException(ErrorCode.KEY_SERVICE_UNAVAILABLE, "the key service went away mid-rotation");
            }
            rewrapHeld.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return delegate.rewrapDataKey(tenant, wrapped);
        }

        @Override
        public String keyId(TenantId tenant) {
            return delegate.keyId(tenant);
        }

        @Override
        public void createKey(TenantId tenant) {
            delegate.createKey(tenant);
        }

        @Override
        public DataKey generateDataKey(TenantId tenant) {
            return delegate.generateDataKey(tenant);
        }

        @Override
        public SecretKey unwrapDataKey(TenantId tenant, WrappedKey wrapped) {
            return delegate.unwrapDataKey(tenant, wrapped);
        }

        @Override
        public int rotateKey(TenantId tenant) {
            return delegate.rotateKey(tenant);
        }

        @Override
        public void destroyKey(TenantId tenant) {
            delegate.destroyKey(tenant);
        }
    }
}
