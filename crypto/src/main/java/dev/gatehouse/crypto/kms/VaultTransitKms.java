package dev.gatehouse.crypto.kms;

import dev.gatehouse.crypto.AesGcm;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.TenantId;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * Key service of the distributed deployment: one Vault (or OpenBao) Transit key of type
 * {@code aes256-gcm96} per tenant. Data keys come from {@code transit/datakey/plaintext}, unwrap through
 * {@code transit/decrypt}, move to the newest key version through {@code transit/rewrap}; destroying a
 * tenant's key sets {@code deletion_allowed} and deletes it. The KEK never leaves Vault.
 *
 * <p>Failures map to codes: unreachable, too slow or 5xx is {@code KEY_SERVICE_UNAVAILABLE}; 401/403 (after
 * one AppRole re-login) is {@code KEY_SERVICE_REJECTED}. Thread-safe.
 */
public final class VaultTransitKms implements KeyManagementService {

    private static final Pattern VERSIONED_CIPHERTEXT = Pattern.compile("vault:v(\\d+):.+");

    private final VaultTransitConfig config;
    private volatile Vault client;

    private VaultTransitKms(VaultTransitConfig config) {
        this.config = config;
    }

    /** Creates the client; an AppRole login happens on the first request, so startup does not need Vault. */
    public static VaultTransitKms connect(VaultTransitConfig config) {
        return new VaultTransitKms(config);
    }

    @Override
    public String keyId(TenantId tenant) {
        return config.keyNamePrefix() + tenant.value();
    }

    @Override
    public void createKey(TenantId tenant) {
        call(tenant, ErrorCode.KEY_NOT_FOUND,
                logical -> logical.write(keyPath(tenant), Map.of("type", "aes256-gcm96")));
    }

    @Override
    public DataKey generateDataKey(TenantId tenant) {
        Map<String, String> data = call(tenant, ErrorCode.KEY_NOT_FOUND, logical -> logical.write(
                transitPath("datakey/plaintext/" + keyId(tenant)), Map.of("bits", AesGcm.KEY_BYTES * 8))).getData();
        SecretKey key = AesGcm.aesKey(Base64.getDecoder().decode(data.get("plaintext")));
        return new DataKey(key, wrappedKey(tenant, data.get("ciphertext")));
    }

    @Override
    public SecretKey unwrapDataKey(TenantId tenant, WrappedKey wrapped) {
        String ciphertext = new String(wrapped.ciphertext(), StandardCharsets.UTF_8);
        Map<String, String> data = call(tenant, ErrorCode.KEY_DESTROYED, logical -> logical.write(
                transitPath("decrypt/" + keyId(tenant)), Map.of("ciphertext", ciphertext))).getData();
        return AesGcm.aesKey(Base64.getDecoder().decode(data.get("plaintext")));
    }

    @Override
    public WrappedKey rewrapDataKey(TenantId tenant, WrappedKey wrapped) {
        String ciphertext = new String(wrapped.ciphertext(), StandardCharsets.UTF_8);
        Map<String, String> data = call(tenant, ErrorCode.KEY_DESTROYED, logical -> logical.write(
                transitPath("rewrap/" + keyId(tenant)), Map.of("ciphertext", ciphertext))).getData();
        return wrappedKey(tenant, data.get("ciphertext"));
    }

    @Override
    public int rotateKey(TenantId tenant) {
        call(tenant, ErrorCode.KEY_NOT_FOUND, logical -> logical.write(keyPath(tenant) + "/rotate", Map.of()));
        String latest = call(tenant, ErrorCode.KEY_NOT_FOUND, logical -> logical.read(keyPath(tenant)))
                .getData().get("latest_version");
        return Integer.parseInt(latest);
    }

    @Override
    public void destroyKey(TenantId tenant) {
        try {
            call(tenant, ErrorCode.KEY_DESTROYED,
                    logical -> logical.write(keyPath(tenant) + "/config", Map.of("deletion_allowed", true)));
            call(tenant, ErrorCode.KEY_DESTROYED, logical -> logical.delete(keyPath(tenant)));
        } catch (CryptoException e) {
            if (e.code() != ErrorCode.KEY_DESTROYED) {
                throw e;
            }
        }
    }

    /**
     * Checks that Vault is up, unsealed and still accepts this client's token, by looking the token
     * up ({@code auth/token/lookup-self}, which every token's default policy allows); throws
     * {@link CryptoException} {@code KEY_SERVICE_UNAVAILABLE} or {@code KEY_SERVICE_REJECTED} when
     * it is not. Bounded by the request timeout. For health checks.
     */
    public void checkAvailable() {
        call(null, ErrorCode.KEY_SERVICE_REJECTED, logical -> logical.read("auth/token/lookup-self"));
    }

    /**
     * Reads one field of a secret from Vault's key-value engine with this client's credentials,
     * for secrets an operator keeps in Vault rather than in configuration (a backend's API key).
     * {@code path} is the API path after {@code /v1/}: {@code secret/data/gpu} for KV version 2
     * (the field is then read from the secret's {@code data}), {@code kv/gpu} for version 1.
     */
    public Optional<String> readSecret(String path, String field) {
        LogicalResponse response;
        try {
            response = call(null, ErrorCode.KEY_NOT_FOUND, logical -> logical.read(path));
        } catch (CryptoException e) {
            if (e.code() == ErrorCode.KEY_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        JsonObject data = response.getDataObject();
        JsonValue versioned = data == null ? null : data.get("data");
        JsonObject fields = versioned != null && versioned.isObject() && data.get("metadata") != null ? versioned.asObject() : data;
        JsonValue value = fields == null ? null : fields.get(field);
        return value != null && value.isString() ? Optional.of(value.asString()) : Optional.empty();
    }

    private WrappedKey wrappedKey(TenantId tenant, String vaultCiphertext) {
        Matcher matcher = VERSIONED_CIPHERTEXT.matcher(vaultCiphertext == null ? "" : vaultCiphertext);
        if (!matcher.matches()) {
            throw new CryptoException(ErrorCode.KEY_SERVICE_REJECTED, "Vault returned an unexpected wrapped key format");
        }
        return new WrappedKey(keyId(tenant), Integer.parseInt(matcher.group(1)),
                vaultCiphertext.getBytes(StandardCharsets.UTF_8));
    }

    private String keyPath(TenantId tenant) {
        return transitPath("keys/" + keyId(tenant));
    }

    private String transitPath(String path) {
        return config.transitMount() + "/" + path;
    }

    @FunctionalInterface
    private interface VaultCall {
        LogicalResponse run(Logical logical) throws VaultException;
    }

    private LogicalResponse call(TenantId tenant, ErrorCode whenKeyMissing, VaultCall request) {
        try {
            return requireSuccess(request.run(client().logical()));
        } catch (VaultException e) {
            if (isAuthFailure(e.getHttpStatusCode()) && config.usesAppRole()) {
                client = null;
                try {
                    return requireSuccess(request.run(client().logical()));
                } catch (VaultException retried) {
                    throw translate(tenant, whenKeyMissing, retried);
                }
            }
            throw translate(tenant, whenKeyMissing, e);
        }
    }

    /** The driver hands back some error answers instead of throwing; treat both alike. */
    private static LogicalResponse requireSuccess(LogicalResponse response) throws VaultException {
        int status = response.getRestResponse().getStatus();
        if (status / 100 != 2) {
            throw new VaultException(new String(response.getRestResponse().getBody(), StandardCharsets.UTF_8), status);
        }
        return response;
    }

    private Vault client() throws VaultException {
        Vault current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    String token = config.usesAppRole() ? appRoleLogin() : config.token().orElseThrow();
                    current = Vault.create(vaultConfig(token));
                    client = current;
                }
            }
        }
        return current;
    }

    private String appRoleLogin() throws VaultException {
        return Vault.create(vaultConfig(null)).auth()
                .loginByAppRole(config.appRoleMount(), config.roleId(), config.secretId()).getAuthClientToken();
    }

    private VaultConfig vaultConfig(String token) throws VaultException {
        VaultConfig vaultConfig = new VaultConfig()
                .environmentLoader(new NoEnvironment())
                .address(config.address().toString())
                .engineVersion(1)
                .openTimeout(config.requestTimeoutSeconds())
                .readTimeout(config.requestTimeoutSeconds())
                .sslConfig(sslConfig());
        if (token != null) {
            vaultConfig.token(token);
        }
        if (config.namespace().isPresent()) {
            vaultConfig.nameSpace(config.namespace().get());
        }
        return vaultConfig.build();
    }

    private SslConfig sslConfig() throws VaultException {
        SslConfig ssl = new SslConfig().verify(true);
        if (config.caCertificatePem().isPresent()) {
            ssl.pemFile(config.caCertificatePem().get().toFile());
        }
        if (config.clientCertificatePem().isPresent()) {
            ssl.clientPemFile(config.clientCertificatePem().get().toFile())
                    .clientKeyPemFile(config.clientKeyPem().orElseThrow().toFile());
        }
        return ssl.build();
    }

    private static boolean isAuthFailure(int status) {
        return status == 401 || status == 403;
    }

    /** Vault's error text is only inspected here, never passed on: it may echo request details. */
    private CryptoException translate(TenantId tenant, ErrorCode whenKeyMissing, VaultException e) {
        int status = e.getHttpStatusCode();
        String detail = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String subject = tenant == null ? "this client" : "Vault Transit key of tenant " + tenant;
        if (status == 0 || status >= 500 || status == 429) {
            return new CryptoException(ErrorCode.KEY_SERVICE_UNAVAILABLE,
                    "Vault is unreachable, too slow or failing (HTTP " + status + ") for " + subject, e);
        }
        if (isAuthFailure(status)) {
            return new CryptoException(ErrorCode.KEY_SERVICE_REJECTED, "Vault denied access to " + subject, e);
        }
        if (detail.contains("not found") || detail.contains("could be found") || status == 404) {
            String reason = whenKeyMissing == ErrorCode.KEY_DESTROYED ? " was destroyed" : " does not exist";
            return new CryptoException(whenKeyMissing, subject + reason, e);
        }
        if (detail.contains("message authentication failed") || detail.contains("invalid ciphertext")) {
            return new CryptoException(ErrorCode.DECRYPTION_FAILED, "Vault could not unwrap the data key", e);
        }
        return new CryptoException(ErrorCode.KEY_SERVICE_REJECTED,
                "Vault rejected the request (HTTP " + status + ") for " + subject, e);
    }

    /** Configuration comes only from {@link VaultTransitConfig}, never from VAULT_* environment variables. */
    private static final class NoEnvironment extends EnvironmentLoader {
        @Override
        public String loadVariable(String name) {
            return null;
        }
    }
}
