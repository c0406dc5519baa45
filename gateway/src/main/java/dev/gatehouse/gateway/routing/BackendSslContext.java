package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.BackendTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLException;

/**
 * The TLS context for a backend with a CA or a client certificate of its own. Built from the PEM
 * text in memory, so the client's private key is never written to a file. A configured CA is the
 * only one trusted for that backend (as with {@code curl --cacert}); without one, the JVM's trust
 * store applies.
 */
final class BackendSslContext {

    private BackendSslContext() {
    }

    static SslContext of(BackendTls tls) {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (tls.caCertificatePem() != null) {
            builder.trustManager(pem(tls.caCertificatePem()));
        }
        if (tls.clientCertificatePem() != null) {
            builder.keyManager(pem(tls.clientCertificatePem()), pem(tls.clientKeyPem()));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("the backend's TLS settings cannot be used", e);
        }
    }

    private static InputStream pem(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
