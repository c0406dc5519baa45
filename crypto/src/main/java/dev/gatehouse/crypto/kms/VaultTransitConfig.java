package dev.gatehouse.crypto.kms;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link VaultTransitKms} reaches Vault (or OpenBao): address, authentication (a token or an AppRole
 * role id and secret id), TLS trust, the Transit mount and the per-tenant key names. Validated when built,
 * so a misconfiguration fails at startup rather than on the first request.
 */
public final class VaultTransitConfig {

    private final URI address;
    private final String token;
    private final String appRoleMount;
    private final String roleId;
    private final String secretId;
    private final String transitMount;
    private final String keyNamePrefix;
    private final String namespace;
    private final Path caCertificatePem;
    private final Path clientCertificatePem;
    private final Path clientKeyPem;
    private final Duration requestTimeout;

    private VaultTransitConfig(Builder builder) {
        this.address = builder.address;
        this.token = builder.token;
        this.appRoleMount = builder.appRoleMount;
        this.roleId = builder.roleId;
        this.secretId = builder.secretId;
        this.transitMount = builder.transitMount;
        this.keyNamePrefix = builder.keyNamePrefix;
        this.namespace = builder.namespace;
        this.caCertificatePem = builder.caCertificatePem;
        this.clientCertificatePem = builder.clientCertificatePem;
        this.clientKeyPem = builder.clientKeyPem;
        this.requestTimeout = builder.requestTimeout;
    }

    /** Starts a configuration for the Vault at {@code address}, e.g. {@code https://vault:8200}. */
    public static Builder builder(URI address) {
        return new Builder(address);
    }

    URI address() {
        return address;
    }

    Optional<String> token() {
        return Optional.ofNullable(token);
    }

    boolean usesAppRole() {
        return roleId != null;
    }

    String appRoleMount() {
        return appRoleMount;
    }

    String roleId() {
        return roleId;
    }

    String secretId() {
        return secretId;
    }

    String transitMount() {
        return transitMount;
    }

    String keyNamePrefix() {
        return keyNamePrefix;
    }

    Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    Optional<Path> caCertificatePem() {
        return Optional.ofNullable(caCertificatePem);
    }

    Optional<Path> clientCertificatePem() {
        return Optional.ofNullable(clientCertificatePem);
    }

    Optional<Path> clientKeyPem() {
        return Optional.ofNullable(clientKeyPem);
    }

    /** Vault's client takes whole seconds; sub-second timeouts round up. */
    int requestTimeoutSeconds() {
        return (int) Math.max(1, (requestTimeout.toMillis() + 999) / 1000);
    }

    @Override
    public String toString() {
        return "VaultTransitConfig[" + address + ", auth=" + (usesAppRole() ? "approle@" + appRoleMount : "token")
                + ", transit=" + transitMount + ", keys=" + keyNamePrefix + "<tenant>, timeout=" + requestTimeout + "]";
    }

    public static final class Builder {

        private final URI address;
        private String token;
        private String appRoleMount = "approle";
        private String roleId;
        private String secretId;
        private String transitMount = "transit";
        private String keyNamePrefix = "gatehouse-tenant-";
        private String namespace;
        private Path caCertificatePem;
        private Path clientCertificatePem;
        private Path clientKeyPem;
        private Duration requestTimeout = Duration.ofSeconds(2);

        private Builder(URI address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        /** Authenticates with a fixed Vault token (e.g. from a Vault agent sink). */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Authenticates with AppRole at {@code auth/approle}; logs in again when the token expires. */
        public Builder appRole(String roleId, String secretId) {
            this.roleId = Objects.requireNonNull(roleId, "roleId");
            this.secretId = Objects.requireNonNull(secretId, "secretId");
            return this;
        }

        public Builder appRoleMount(String mount) {
            this.appRoleMount = Objects.requireNonNull(mount, "mount");
            return this;
        }

        public Builder transitMount(String mount) {
            this.transitMount = Objects.requireNonNull(mount, "mount");
            return this;
        }

        /** Transit key names are this prefix followed by the tenant id. */
        public Builder keyNamePrefix(String prefix) {
            this.keyNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Vault Enterprise / OpenBao namespace. */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** PEM file with the CA certificate(s) that signed Vault's TLS certificate. */
        public Builder caCertificate(Path pemFile) {
            this.caCertificatePem = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /** Client certificate and unencrypted PKCS#8 key, both PEM, for mutual TLS. */
        public Builder clientCertificate(Path certificatePem, Path privateKeyPem) {
            this.clientCertificatePem = Objects.requireNonNull(certificatePem, "certificatePem");
            this.clientKeyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            return this;
        }

        /** Upper bound for connecting to and hearing back from Vault; a slower Vault counts as unavailable. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public VaultTransitConfig build() {
            if ((token == null) == (roleId == null)) {
                throw new IllegalArgumentException("configure exactly one of token(...) or appRole(...)");
            }
            if (!"https".equals(address.getScheme()) && !"http".equals(address.getScheme())) {
                throw new IllegalArgumentException("Vault address must be http(s): " + address);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("request timeout must be positive");
            }
            for (Path pem : new Path[] {caCertificatePem, clientCertificatePem, clientKeyPem}) {
                if (pem != null && !Files.isReadable(pem)) {
                    throw new IllegalArgumentException("cannot read TLS file " + pem);
                }
            }
            return new VaultTransitConfig(this);
        }
    }
}
