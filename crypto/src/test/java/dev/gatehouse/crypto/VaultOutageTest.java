package dev.gatehouse.crypto;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.gatehouse.crypto.kms.OpenBaoServer;
import dev.gatehouse.crypto.kms.VaultTransitConfig;
import dev.gatehouse.crypto.kms.VaultTransitKms;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real OpenBao behind a WireMock proxy that injects faults: Vault down (connection reset), slow (answers
 * after the client's timeout) or failing (5xx). Cached keys carry the cipher through the outage for the
 * configured time; then it fails closed.
 */
class VaultOutageTest {

    @RegisterExtension
    static final OpenBaoServer bao = new OpenBaoServer();

    private static final Duration TTL = Duration.ofMinutes(2);
    /** Long enough for a healthy call through the proxy on a loaded machine; the slow answer below takes far longer. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final TenantId ACME = TenantId.of("acme");
    private static final EncryptionContext CONTEXT = EncryptionContext.of("record-3", "audit-content");
    private static final String MARKER = "MARKER-7f3a-plaintext";
    private static final byte[] PLAINTEXT = MARKER.getBytes(StandardCharsets.UTF_8);

    private final WireMockServer vault = new WireMockServer(options().dynamicPort().trustAllProxyTargets(true));
    private final MutableClock clock = new MutableClock();
    private VaultTransitKms kms;
    private TenantCipher cipher;

    /**
     * The first request a WireMock proxy forwards in a JVM is slow (its HTTP client starts), often
     * slower than the 1 s the tests give Vault: forwarded once here, with time to spare.
     */
    @BeforeAll
    static void warmUpTheProxyPath() {
        WireMockServer proxy = new WireMockServer(options().dynamicPort());
        proxy.start();
        try {
            proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(bao.address().toString())));
            VaultTransitKms.connect(VaultTransitConfig.builder(URI.create(proxy.baseUrl()))
                    .token(bao.rootToken()).requestTimeout(Duration.ofSeconds(30)).build()).checkAvailable();
        } finally {
            proxy.stop();
        }
    }

    @BeforeEach
    void startProxy() {
        vault.start();
        vault.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(bao.address().toString())));
        kms = VaultTransitKms.connect(VaultTransitConfig.builder(URI.create(vault.baseUrl()))
                .token(bao.rootToken()).requestTimeout(REQUEST_TIMEOUT).build());
        cipher = new TenantCipher(kms, new KeyCachePolicy(TTL, 1000, 100), clock);
        cipher.createTenantKey(ACME);
    }

    @AfterEach
    void stopProxy() {
        vault.stop();
    }

    private StubMapping vaultAnswers(ResponseDefinitionBuilder response) {
        return vault.stubFor(any(anyUrl()).atPriority(1).willReturn(response));
    }

    @Test
    void keepsWorkingFromCachedKeysWhileVaultIsDownThenFailsClosed() {
        byte[] writtenBefore = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        vaultAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        clock.advance(TTL.minusSeconds(1));
        byte[] writtenDuringOutage = cipher.encrypt(ACME, PLAINTEXT, CONTEXT);
        assertThat(cipher.decrypt(ACME, writtenBefore, CONTEXT)).isEqualTo(PLAINTEXT);

        clock.advance(Duration.ofSeconds(1));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.decrypt(ACME, writtenDuringOutage, CONTEXT));
    }

    @Test
    void resumesWhenVaultComesBack() {
        StubMapping outage = vaultAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));

        vault.removeStub(outage);

        assertThat(cipher.decrypt(ACME, cipher.encrypt(ACME, PLAINTEXT, CONTEXT), CONTEXT)).isEqualTo(PLAINTEXT);
    }

    @Test
    void reportsWhetherVaultIsAvailableForHealthChecks() {
        kms.checkAvailable();

        StubMapping outage = vaultAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, kms::checkAvailable);
        vault.removeStub(outage);

        vaultAnswers(aResponse().withStatus(503).withBody("{\"errors\":[\"Vault is sealed\"]}"));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, kms::checkAvailable);
    }

    @Test
    void treatsVaultSlowerThanTheTimeoutAsUnavailable() {
        vaultAnswers(aResponse().proxiedFrom(bao.address().toString()).withFixedDelay((int) REQUEST_TIMEOUT.multipliedBy(3).toMillis()));

        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));
    }

    @Test
    void treatsServerErrorsAsUnavailable() {
        vaultAnswers(aResponse().withStatus(500).withBody("{\"errors\":[\"internal error\"]}"));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));

        vaultAnswers(aResponse().withStatus(503).withBody("{\"errors\":[\"Vault is sealed\"]}"));
        assertFailsWith(ErrorCode.KEY_SERVICE_UNAVAILABLE, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));
    }

    @Test
    void treatsPermissionDeniedAsRejected() {
        vaultAnswers(aResponse().withStatus(403).withBody("{\"errors\":[\"permission denied\"]}"));

        assertFailsWith(ErrorCode.KEY_SERVICE_REJECTED, () -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));
    }

    @Test
    void failureNeverCarriesThePlaintext() {
        vaultAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        Throwable failure = catchThrowable(() -> cipher.encrypt(ACME, PLAINTEXT, CONTEXT));

        assertThat(failure).isInstanceOf(CryptoException.class);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(MARKER);
        }
    }
}
