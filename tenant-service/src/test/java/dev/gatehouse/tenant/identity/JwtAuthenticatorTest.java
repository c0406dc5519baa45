package dev.gatehouse.tenant.identity;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantStatus;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import dev.gatehouse.tenant.keycloak.KeycloakTestServer;
import dev.gatehouse.tenant.keycloak.KeycloakTokens;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Access tokens issued by a real Keycloak, accepted or refused as the gateway and admin API do. */
class JwtAuthenticatorTest {

    private static final String REALM = "gatehouse-jwt-test";
    private static KeycloakDirectory keycloak;

    private TenantDatabase database;
    private TenantDirectory tenants;
    private Tenant acme;
    private String acmeDeveloperToken;

    @BeforeAll
    static void connect() {
        keycloak = KeycloakDirectory.connect(KeycloakTestServer.settings(REALM));
    }

    @AfterAll
    static void close() {
        keycloak.close();
    }

    @BeforeEach
    void provisionedTenant() {
        database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        acme = database.tenants().create("acme-" + UUID.randomUUID().toString().substring(0, 8), "Acme");
        keycloak.provision(acme);
        tenants = new TenantDirectory(database.tenants());
        acmeDeveloperToken = KeycloakTokens.clientCredentials(REALM, keycloak.createMachineClient(acme, "worker", Set.of(Role.DEVELOPER)));
    }

    @Test
    void acceptsTokenOfAMachineClientWithItsTenantAndRoles() {
        ApiKeyPrincipal principal = authenticator().authenticate(acmeDeveloperToken).block();

        assertThat(principal.tenantId()).isEqualTo(acme.id());
        assertThat(principal.roles()).containsExactly(Role.DEVELOPER);
        assertThat(principal.viaIdentityProvider()).isTrue();
        assertThat(principal.scopes().allowsModel("anything")).isTrue();
    }

    @Test
    void refusesTokenOfASuspendedTenant() {
        database.tenants().setStatus(acme.id(), TenantStatus.SUSPENDED);
        tenants.refresh();

        assertRefused(authenticator().authenticate(acmeDeveloperToken), ProblemType.TENANT_SUSPENDED);
    }

    @Test
    void refusesTokenMeantForAnotherAudience() {
        JwtAuthenticator strict = JwtAuthenticator.forIssuer(
                IdentityProviderSettings.keycloak(KeycloakTestServer.url(), REALM, "some-other-service"), tenants);

        assertRefused(strict.authenticate(acmeDeveloperToken), ProblemType.INVALID_ACCESS_TOKEN);
    }

    @Test
    void refusesTokenFromAnotherIssuer() {
        IdentityProviderSettings realm = IdentityProviderSettings.keycloak(KeycloakTestServer.url(), REALM, "gatehouse");
        JwtAuthenticator otherIssuer = JwtAuthenticator.forIssuer(
                new IdentityProviderSettings(KeycloakTestServer.url() + "/realms/master", realm.jwksUri(), "gatehouse"), tenants);

        assertRefused(otherIssuer.authenticate(acmeDeveloperToken), ProblemType.INVALID_ACCESS_TOKEN);
    }

    @Test
    void refusesExpiredToken() {
        JwtAuthenticator twoHoursLater = JwtAuthenticator.forIssuer(settings(), tenants, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));

        assertRefused(twoHoursLater.authenticate(acmeDeveloperToken), ProblemType.INVALID_ACCESS_TOKEN);
    }

    @Test
    void refusesTokenWithAlteredClaims() {
        String[] parts = acmeDeveloperToken.split("\\.");
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                KeycloakTokens.claims(acmeDeveloperToken).toString().replace("\"developer\"", "\"platform-admin\"").getBytes());

        assertRefused(authenticator().authenticate(parts[0] + "." + forgedPayload + "." + parts[2]), ProblemType.INVALID_ACCESS_TOKEN);
    }

    @Test
    void refusesTokenOfATenantGatehouseDoesNotKnow() {
        Tenant stranger = new Tenant(UUID.randomUUID(), "stranger-" + UUID.randomUUID().toString().substring(0, 8), "Stranger",
                TenantStatus.ACTIVE, acme.settings());
        keycloak.provision(stranger);
        String token = KeycloakTokens.clientCredentials(REALM, keycloak.createMachineClient(stranger, "x", Set.of(Role.DEVELOPER)));

        assertRefused(authenticator().authenticate(token), ProblemType.INVALID_ACCESS_TOKEN);
    }

    @Test
    void tokenOfOneTenantNamesThatTenantOnly() {
        Tenant globex = database.tenants().create("globex-" + UUID.randomUUID().toString().substring(0, 8), "Globex");
        keycloak.provision(globex);
        tenants.refresh();
        String globexToken = KeycloakTokens.clientCredentials(REALM, keycloak.createMachineClient(globex, "w", Set.of(Role.TENANT_ADMIN)));

        assertThat(authenticator().authenticate(globexToken).block().tenantId()).isEqualTo(globex.id());
        assertThat(authenticator().authenticate(acmeDeveloperToken).block().tenantId()).isEqualTo(acme.id());
    }

    @Test
    void failsClosedWhenTheSigningKeysCannotBeFetched() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        JwtAuthenticator unreachable = JwtAuthenticator.forIssuer(
                IdentityProviderSettings.keycloak(URI.create("http://127.0.0.1:" + closedPort), REALM, "gatehouse"), tenants);

        assertRefused(unreachable.authenticate(acmeDeveloperToken), ProblemType.IDENTITY_PROVIDER_UNAVAILABLE);
    }

    @Test
    void bearerAuthenticatorSendsJwtsToKeycloakAndKeysToTheKeyStore() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "key", Set.of(Role.AUDITOR), null);
        BearerAuthenticator bearer = BearerAuthenticator.apiKeysAndJwts(
                new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC()), authenticator());

        assertThat(bearer.authenticate("Bearer " + acmeDeveloperToken).block().roles()).containsExactly(Role.DEVELOPER);
        assertThat(bearer.authenticate("Bearer " + key.token()).block().roles()).containsExactly(Role.AUDITOR);
        assertRefused(bearer.authenticate("Bearer a.b.c"), ProblemType.INVALID_ACCESS_TOKEN);
        assertRefused(BearerAuthenticator.apiKeysOnly(new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC()))
                .authenticate("Bearer " + acmeDeveloperToken), ProblemType.INVALID_API_KEY);
    }

    private JwtAuthenticator authenticator() {
        return JwtAuthenticator.forIssuer(settings(), tenants);
    }

    private static IdentityProviderSettings settings() {
        return IdentityProviderSettings.keycloak(KeycloakTestServer.url(), REALM, "gatehouse");
    }

    private static void assertRefused(Mono<ApiKeyPrincipal> outcome, ProblemType expected) {
        assertThatThrownBy(outcome::block).isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.type()).isEqualTo(expected));
    }
}
