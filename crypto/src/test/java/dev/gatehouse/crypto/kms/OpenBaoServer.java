package dev.gatehouse.crypto.kms;

import com.jayway.jsonpath.JsonPath;
import dev.gatehouse.testing.TestTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real OpenBao dev server (same HTTP API as Vault) with TLS on a free loopback port for one test
 * class, with the Transit engine and AppRole auth enabled. The {@code bao} binary comes from
 * {@code tools/install-openbao.sh} (the build runs it; see {@link TestTools}); without it the tests fail and say how to install it.
 */
public final class OpenBaoServer implements BeforeAllCallback, AfterAllCallback {

    private static final String TRANSIT_POLICY = "gatehouse-transit";

    private final String rootToken = UUID.randomUUID().toString();
    private Process process;
    private URI address;
    private Path caCertificate;
    private HttpClient http;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path binary = binary();
        Path workDirectory = Files.createTempDirectory("openbao-test");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        address = URI.create("https://127.0.0.1:" + port);
        process = new ProcessBuilder(binary.toString(), "server", "-dev", "-dev-tls",
                "-dev-tls-cert-dir=" + workDirectory, "-dev-root-token-id=" + rootToken,
                "-dev-listen-address=127.0.0.1:" + port, "-dev-no-store-token")
                .redirectErrorStream(true)
                .redirectOutput(workDirectory.resolve("server.log").toFile())
                .start();
        caCertificate = workDirectory.resolve("vault-ca.pem");
        awaitReady(workDirectory);
        admin("POST", "sys/mounts/transit", "{\"type\":\"transit\"}");
        admin("POST", "sys/auth/approle", "{\"type\":\"approle\"}");
        admin("PUT", "sys/policies/acl/" + TRANSIT_POLICY, "{\"policy\":\"path \\\"transit/*\\\" "
                + "{ capabilities = [\\\"create\\\", \\\"read\\\", \\\"update\\\", \\\"delete\\\"] }\"}");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    public URI address() {
        return address;
    }

    public String rootToken() {
        return rootToken;
    }

    public Path caCertificate() {
        return caCertificate;
    }

    /** A configuration with the root token and the dev server's CA, ready for further settings. */
    public VaultTransitConfig.Builder tokenConfig() {
        return VaultTransitConfig.builder(address).token(rootToken).caCertificate(caCertificate);
    }

    /** Creates an AppRole limited to the Transit engine and returns its role id and a fresh secret id. */
    public String[] createAppRole(String name) throws Exception {
        admin("POST", "auth/approle/role/" + name,
                "{\"token_policies\":\"" + TRANSIT_POLICY + "\",\"token_ttl\":\"10m\"}");
        String roleId = JsonPath.read(admin("GET", "auth/approle/role/" + name + "/role-id", null), "$.data.role_id");
        String secretId = JsonPath.read(admin("POST", "auth/approle/role/" + name + "/secret-id", "{}"), "$.data.secret_id");
        return new String[] {roleId, secretId};
    }

    /** Calls the HTTP API with the root token; fails on any non-2xx answer. */
    public String admin(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(address.resolve("/v1/" + path))
                .header("X-Vault-Token", rootToken)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private void awaitReady(Path workDirectory) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("OpenBao exited: " + Files.readString(workDirectory.resolve("server.log")));
            }
            if (Files.exists(caCertificate)) {
                try {
                    http = HttpClient.newBuilder().sslContext(trusting(caCertificate)).build();
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(address.resolve("/v1/sys/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200) {
                        return;
                    }
                } catch (IOException | java.security.GeneralSecurityException notYet) {
                    // the certificate file may be half-written or the listener not yet bound
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("OpenBao did not become ready within 30 s");
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("openbao-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static Path binary() {
        String configured = System.getenv("GATEHOUSE_BAO_BIN");
        return configured != null ? Path.of(configured) : TestTools.installed("bin/bao");
    }
}
