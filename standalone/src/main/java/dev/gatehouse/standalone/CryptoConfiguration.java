package dev.gatehouse.standalone;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.catalog.file.SecretReferences;
import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.KeyManagementService;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import dev.gatehouse.crypto.kms.VaultTransitConfig;
import dev.gatehouse.crypto.kms.VaultTransitKms;
import dev.gatehouse.tenant.TenantErasureListener;
import dev.gatehouse.tenant.TenantProvisioner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Tenant keys. By default a local Bouncy Castle keystore under {@code <data-dir>/keys}, protected
 * by the master secret in {@code GATEHOUSE_MASTER_SECRET} or, failing that, a random secret
 * generated once into {@code <data-dir>/keys/master-secret} (owner-only; fine for a laptop, not for
 * production). With {@code gatehouse.crypto.vault.url} set, tenant keys live in Vault Transit, which
 * several processes on one database must use: a database they share is bound to one local key
 * store ({@link KeyStoreBinding}), and a process with another is refused at start.
 * Every tenant gets its key when it is provisioned; erasing a tenant destroys it (crypto-shredding)
 * and records the erasure in the audit log.
 */
@Configuration(proxyBeanMethods = false)
class CryptoConfiguration {

    private static final String MASTER_SECRET_VARIABLE = "GATEHOUSE_MASTER_SECRET";

    @Bean
    KeyManagementService keyManagementService(@Value("${gatehouse.data-dir}") Path dataDir,
                              @Value("${gatehouse.database.mode:embedded}") String databaseMode,
                              ObjectProvider<DataSource> dataSource, Clock clock,
                              @Value("${gatehouse.crypto.vault.url:}") String vaultUrl,
                              @Value("${gatehouse.crypto.vault.token:}") String vaultToken,
                              @Value("${gatehouse.crypto.vault.role-id:}") String roleId,
                              @Value("${gatehouse.crypto.vault.secret-id:}") String secretId,
                              @Value("${gatehouse.crypto.vault.ca-certificate:}") String caCertificate,
                              @Value("${gatehouse.crypto.vault.timeout:2s}") Duration vaultTimeout) {
        KeyManagementService kms;
        if (vaultUrl.isBlank()) {
            Path keyDirectory = dataDir.resolve("keys");
            if (databaseMode.equals("external")) {
                KeyStoreBinding.bind(dataSource.getObject(), keyDirectory, clock);
            }
            kms = LocalKeystoreKms.open(keyDirectory.resolve("tenant-keks.bcfks"), masterSecret(dataDir));
        } else {
            VaultTransitConfig.Builder vault = VaultTransitConfig.builder(URI.create(vaultUrl)).requestTimeout(vaultTimeout);
            vault = roleId.isBlank() ? vault.token(vaultToken) : vault.appRole(roleId, secretId);
            if (!caCertificate.isBlank()) {
                vault = vault.caCertificate(Path.of(caCertificate));
            }
            kms = VaultTransitKms.connect(vault.build());
        }
        return kms;
    }

    @Bean
    TenantCipher tenantCipher(KeyManagementService kms) {
        return TenantCipher.create(kms, KeyCachePolicy.defaults());
    }

    /**
     * Where a declarative catalog's secret references point: this process's environment, and,
     * when tenant keys live in Vault, Vault's key-value engine with the same credentials.
     */
    @Bean
    SecretReferences catalogSecretReferences(KeyManagementService kms) {
        return new SecretReferences() {
            @Override
            public Optional<String> environmentVariable(String name) {
                return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isEmpty());
            }

            @Override
            public Optional<String> vault(String path, String field) {
                if (!(kms instanceof VaultTransitKms vault)) {
                    throw new IllegalStateException("Vault references need Vault configured (gatehouse.crypto.vault.url)");
                }
                return vault.readSecret(path, field);
            }
        };
    }

    @Bean
    TenantProvisioner tenantKeyProvisioner(TenantCipher cipher) {
        return tenant -> cipher.createTenantKey(TenantId.of(tenant.id().toString()));
    }

    /**
     * Shreds the tenant's key (its stored content becomes unreadable) and audits that it did; the
     * tenant's audit log keeps its records, which hold no content, and still verifies.
     */
    @Bean
    TenantErasureListener tenantKeyShredder(TenantCipher cipher, AuditJournal auditJournal, Clock clock) {
        return tenant -> {
            cipher.destroyTenantKey(TenantId.of(tenant.id().toString()));
            auditJournal.append(new AuditEvent("erasure-" + tenant.id(), null, tenant.id(), clock.instant(), "tenant_key_destroyed",
                    Map.of("tenant_slug", tenant.slug(), "reason", "tenant erased (GDPR Art. 17)"))).join();
        };
    }

    static MasterSecret masterSecret(Path dataDir) {
        if (System.getenv(MASTER_SECRET_VARIABLE) != null) {
            return MasterSecret.fromEnvironment(MASTER_SECRET_VARIABLE);
        }
        Path file = dataDir.resolve("keys").resolve("master-secret");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(secret));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the master secret file " + file, e);
        }
        return MasterSecret.fromFile(file);
    }
}
