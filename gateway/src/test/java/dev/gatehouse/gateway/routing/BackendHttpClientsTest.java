package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.BackendCapacity;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.testing.TestCertificateAuthority;
import dev.gatehouse.testing.TestCertificateAuthority.IssuedCertificate;
import io.netty.channel.ChannelOption;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientConfig;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendHttpClientsTest {

    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("backend-ca");
    private static final IssuedCertificate CLIENT = CA.issueClient("gatehouse-gateway");

    private static final AddressResolverGroup<?> ADDRESS_GUARD = new GuardedAddressResolver(DefaultAddressResolverGroup.INSTANCE, address -> true);

    private final BackendHttpClients clients = new BackendHttpClients(HttpClient.create().resolver(ADDRESS_GUARD));

    @Test
    void aBackendIsCalledWithItsOwnConnectTimeoutAndWaitsForTheFirstByteByItsOwnTimeout() {
        HttpClientConfig config = clients.forBackend(backend("slow", timeouts(750, 300), BackendTls.DEFAULT)).configuration();

        assertThat(config.options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS)).isEqualTo(750);
        assertThat(config.responseTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.sslProvider()).isNull();
    }

    @Test
    void everyBackendClientKeepsTheGatewayClientsAddressGuard() {
        HttpClient plain = clients.forBackend(backend("plain", timeouts(2000, 120_000), BackendTls.DEFAULT));
        HttpClient privateCa = clients.forBackend(backend("private-ca", timeouts(2000, 120_000), new BackendTls(CA.certificatePem(), null, null)));

        assertThat(plain.configuration().resolver()).isSameAs(ADDRESS_GUARD);
        assertThat(privateCa.configuration().resolver()).isSameAs(ADDRESS_GUARD);
    }

    @Test
    void sameSettingsGiveTheSameClientSoTheTlsContextIsBuiltOnce() {
        BackendTls tls = new BackendTls(CA.certificatePem(), CLIENT.certificatePem(), CLIENT.privateKeyPem());

        HttpClient first = clients.forBackend(backend("private", timeouts(2000, 120_000), tls));
        HttpClient again = clients.forBackend(backend("private", timeouts(2000, 120_000),
                new BackendTls(CA.certificatePem(), CLIENT.certificatePem(), CLIENT.privateKeyPem())));

        assertThat(again).isSameAs(first);
        assertThat(first.configuration().sslProvider()).isNotNull();
    }

    @Test
    void changedSettingsGiveANewClient() {
        HttpClient before = clients.forBackend(backend("edited", timeouts(2000, 120_000), BackendTls.DEFAULT));

        HttpClient longerResponse = clients.forBackend(backend("edited", timeouts(2000, 300_000), BackendTls.DEFAULT));
        HttpClient shorterConnect = clients.forBackend(backend("edited", timeouts(500, 120_000), BackendTls.DEFAULT));
        HttpClient customCa = clients.forBackend(backend("edited", timeouts(2000, 120_000), new BackendTls(CA.certificatePem(), null, null)));
        HttpClient shorterIdle = clients.forBackend(backend("edited", timeouts(2000, 120_000, 500), BackendTls.DEFAULT));

        assertThat(longerResponse).isNotSameAs(before);
        assertThat(longerResponse.configuration().responseTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(shorterConnect).isNotSameAs(before);
        assertThat(shorterConnect.configuration().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS)).isEqualTo(500);
        assertThat(customCa).isNotSameAs(before);
        assertThat(customCa.configuration().sslProvider()).isNotNull();
        assertThat(shorterIdle).isNotSameAs(before);
    }

    @Test
    void anotherBackendWithTheSameSettingsHasAClientOfItsOwn() {
        HttpClient one = clients.forBackend(backend("one", timeouts(2000, 120_000), BackendTls.DEFAULT));
        HttpClient other = clients.forBackend(backend("other", timeouts(2000, 120_000), BackendTls.DEFAULT));

        assertThat(other).isNotSameAs(one);
    }

    @Test
    void unusableTlsMaterialFailsWithoutQuotingTheKey() {
        String notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----\n";
        ModelBackend broken = backend("broken", timeouts(2000, 120_000), new BackendTls(null, CLIENT.certificatePem(), notAKey));

        assertThatThrownBy(() -> clients.forBackend(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(error -> {
                    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                        assertThat(String.valueOf(cause.getMessage())).doesNotContain("c2VjcmV0LWJ1dC1ub3QtYS1rZXk");
                    }
                });
    }

    private static BackendCapacity timeouts(long connectMillis, long firstByteMillis) {
        return timeouts(connectMillis, firstByteMillis, BackendCapacity.DEFAULTS.idleTimeout().toMillis());
    }

    private static BackendCapacity timeouts(long connectMillis, long firstByteMillis, long idleMillis) {
        return new BackendCapacity(null, 0, 64, 100, Duration.ofMillis(connectMillis), Duration.ofMillis(firstByteMillis),
                Duration.ofMillis(idleMillis));
    }

    private static ModelBackend backend(String id, BackendCapacity capacity, BackendTls tls) {
        return new ModelBackend(id, "m", URI.create("https://127.0.0.1:8443/v1"), "m", "eu-west", capacity, tls, null, null);
    }
}
