package dev.gatehouse.catalog;

/**
 * How the gateway connects to an {@code https} backend: a custom CA (PEM) to trust instead of the
 * JVM's trust store, and an optional client certificate (PEM) with its private key (PEM; a secret,
 * stored encrypted like upstream credentials, never returned). All null means the defaults.
 */
public record BackendTls(String caCertificatePem, String clientCertificatePem, String clientKeyPem) {

    public static final BackendTls DEFAULT = new BackendTls(null, null, null);

    public BackendTls {
        if ((clientCertificatePem == null) != (clientKeyPem == null)) {
            throw new IllegalArgumentException("a client certificate needs its private key, and a key its certificate");
        }
    }

    public boolean customised() {
        return caCertificatePem != null || clientCertificatePem != null;
    }

    @Override
    public String toString() {
        return "BackendTls[custom CA " + (caCertificatePem != null) + ", client certificate " + (clientCertificatePem != null) + "]";
    }
}
