package dev.gatehouse.crypto.kms;

import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against a real OpenBao server over TLS: the Transit API as Vault documents it. */
class VaultTransitKmsTest {

    @RegisterExtension
    static final OpenBaoServer bao = new OpenBaoServer();

    private static final EncryptionContext CONTEXT = EncryptionContext.of("record-9", "audit-content");
    private static final byte[] PLAINTEXT = "prompt: summarise my medical record".getBytes(StandardCharsets.UTF_8);

    private final VaultTransitKms kms = VaultTransitKms.connect(bao.tokenConfig().build());

    @Test
    void readsAFieldOfAKeyValueSecretAndNothingForAMissingOne() throws Exception {
        bao.admin("POST", "secret/data/gpu-backends/eu", "{\"data\":{\"token\":\"upstream-token-1\"}}");

        assertThat(kms.readSecret("secret/data/gpu-backends/eu", "token")).contains("upstream-token-1");
        assertThat(kms.readSecret("secret/data/gpu-backends/eu", "other")).isEmpty();
        assertThat(kms.readSecret("secret/data/gpu-backends/nowhere", "token")).isEmpty();
    }

    @Test
    void createsOneTransitKeyPerTenant() throws Exception {
        kms.createKey(TenantId.of("acme"));
        kms.createKey(TenantId.of("acme"));

        assertThat(bao.admin("GET", "transit/keys/gatehouse-tenant-acme", null)).contains("\"type\":\"aes256-gcm96\"");
    }

    @Test
    void generatedDataKeyUnwrapsToTheSameKey() {
        TenantId tenant = TenantId.of("unwrap");
        kms.createKey(tenant);

        DataKey dataKey = kms.generateDataKey(tenant);

        assertThat(dataKey.wrapped().kekVersion()).isEqualTo(1);
        assertThat(new String(dataKey.wrapped().ciphertext(), StandardCharsets.UTF_8)).startsWith("vault:v1:");
        assertThat(kms.unwrapDataKey(tenant, dataKey.wrapped()).getEncoded()).isEqualTo(dataKey.key().getEncoded());
    }

    @Test
    void encryptsAndDecryptsThroughTenantCipher() {
        TenantId tenant = TenantId.of("cipher");
        TenantCipher cipher = TenantCipher.create(kms, KeyCachePolicy.noCaching());
        cipher.createTenantKey(tenant);

        byte[] ciphertext = cipher.encrypt(tenant, PLAINTEXT, CONTEXT);

        assertThat(cipher.decrypt(tenant, ciphertext, CONTEXT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void rotationAndRewrapMoveDataKeysToTheNewestVersion() {
        TenantId tenant = TenantId.of("rotation");
        TenantCipher cipher = TenantCipher.create(kms, KeyCachePolicy.noCaching());
        cipher.createTenantKey(tenant);
        byte[] original = cipher.encrypt(tenant, PLAINTEXT, CONTEXT);

        assertThat(cipher.rotateTenantKey(tenant)).isEqualTo(2);
        byte[] rewrapped = cipher.rewrap(tenant, original);

        assertThat(TenantCipher.keyVersionOf(rewrapped)).isEqualTo(2);
        assertThat(cipher.decrypt(tenant, rewrapped, CONTEXT)).isEqualTo(PLAINTEXT);
        assertThat(cipher.decrypt(tenant, original, CONTEXT)).isEqualTo(PLAINTEXT);
        assertThat(TenantCipher.keyVersionOf(cipher.encrypt(tenant, PLAINTEXT, CONTEXT))).isEqualTo(2);
    }

    @Test
    void destroyingTheTransitKeyShredsTheTenantsData() {
        TenantId tenant = TenantId.of("shredded");
        TenantCipher cipher = TenantCipher.create(kms, KeyCachePolicy.defaults());
        cipher.createTenantKey(tenant);
        byte[] ciphertext = cipher.encrypt(tenant, PLAINTEXT, CONTEXT);

        cipher.destroyTenantKey(tenant);
        cipher.destroyTenantKey(tenant);

        assertFailsWith(ErrorCode.KEY_DESTROYED, () -> cipher.decrypt(tenant, ciphertext, CONTEXT));
        assertFailsWith(ErrorCode.KEY_NOT_FOUND, () -> cipher.encrypt(tenant, PLAINTEXT, CONTEXT));
    }

    @Test
    void wrappedKeyOfAnotherTenantDoesNotUnwrap() {
        TenantId acme = TenantId.of("tenant-a");
        TenantId globex = TenantId.of("tenant-b");
        kms.createKey(acme);
        kms.createKey(globex);

        WrappedKey acmeKey = kms.generateDataKey(acme).wrapped();

        assertFailsWith(ErrorCode.DECRYPTION_FAILED, () -> kms.unwrapDataKey(globex, acmeKey));
    }

    @Test
    void rejectsTamperedWrappedKey() {
        TenantId tenant = TenantId.of("tampered");
        kms.createKey(tenant);
        byte[] wrapped = kms.generateDataKey(tenant).wrapped().ciphertext();
        wrapped[wrapped.length - 10] = (byte) (wrapped[wrapped.length - 10] == 'A' ? 'B' : 'A');

        assertFailsWith(ErrorCode.DECRYPTION_FAILED,
                () -> kms.unwrapDataKey(tenant, new WrappedKey(kms.keyId(tenant), 1, wrapped)));
    }

    @Test
    void authenticatesWithAppRole() throws Exception {
        String[] credentials = bao.createAppRole("gateway");
        VaultTransitKms appRoleKms = VaultTransitKms.connect(VaultTransitConfig.builder(bao.address())
                .appRole(credentials[0], credentials[1]).caCertificate(bao.caCertificate()).build());
        TenantId tenant = TenantId.of("approle");

        appRoleKms.createKey(tenant);
        DataKey dataKey = appRoleKms.generateDataKey(tenant);

        assertThat(appRoleKms.unwrapDataKey(tenant, dataKey.wrapped()).getEncoded()).isEqualTo(dataKey.key().getEncoded());
    }

    @Test
    void logsInAgainWhenTheAppRoleTokenIsRevoked() throws Exception {
        String[] credentials = bao.createAppRole("short-lived");
        VaultTransitKms appRoleKms = VaultTransitKms.connect(VaultTransitConfig.builder(bao.address())
                .appRole(credentials[0], credentials[1]).caCertificate(bao.caCertificate()).build());
        TenantId tenant = TenantId.of("relogin");
        appRoleKms.createKey(tenant);
        bao.admin("PUT", "sys/leases/revoke-prefix/auth/approle/login", null);

        assertThat(appRoleKms.generateDataKey(tenant).wrapped().kekVersion()).isEqualTo(1);
    }

    @Test
    void rejectsInvalidToken() {
        VaultTransitKms badToken = VaultTransitKms.connect(VaultTransitConfig.builder(bao.address())
                .token("not-a-token").caCertificate(bao.caCertificate()).build());

        assertFailsWith(ErrorCode.KEY_SERVICE_REJECTED, () -> badToken.createKey(TenantId.of("acme")));
    }

    @Test
    void refusesServerWhoseCertificateIsNotTrusted() {
        VaultTransitKms untrusting = VaultTransitKms.connect(VaultTransitConfig.builder(bao.address())
                .token(bao.rootToken()).build());

        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> untrusting.createKey(TenantId.of("acme")));
    }
}
