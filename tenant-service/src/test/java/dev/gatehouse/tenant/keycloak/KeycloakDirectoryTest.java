package dev.gatehouse.tenant.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.TenantStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provisioning against a real Keycloak: organizations, members, machine clients, erasure. */
class KeycloakDirectoryTest {

    private static final String REALM = "gatehouse-directory-test";
    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static KeycloakDirectory directory;

    @BeforeAll
    static void connect() {
        directory = KeycloakDirectory.connect(KeycloakTestServer.settings(REALM));
    }

    @AfterAll
    static void close() {
        directory.close();
    }

    @Test
    void setUpAndProvisioningAreIdempotent() {
        Tenant tenant = provisionedTenant();

        directory.provision(tenant);
        KeycloakDirectory.connect(KeycloakTestServer.settings(REALM)).close();

        assertThat(directory.members(tenant)).isEmpty();
    }

    @Test
    void machineClientTokensNameTheTenantTheRolesAndTheAudience() {
        Tenant tenant = provisionedTenant();

        MachineClient client = directory.createMachineClient(tenant, "batch-jobs", Set.of(Role.DEVELOPER));
        JsonNode claims = KeycloakTokens.claims(KeycloakTokens.clientCredentials(REALM, client));

        assertThat(client.clientId()).isEqualTo("tenant-" + tenant.slug() + "--batch-jobs");
        assertThat(claims.get("gatehouse_tenant").asText()).isEqualTo(tenant.slug());
        assertThat(claims.get("aud").toString()).contains("gatehouse");
        assertThat(claims.at("/realm_access/roles").toString()).contains("developer").doesNotContain("tenant-admin");
        assertThat(client.toString()).doesNotContain(client.secret());
    }

    @Test
    void membersAreListedWithTheirRolesAndBelongToOneTenant() {
        Tenant tenant = provisionedTenant();
        Tenant other = provisionedTenant();
        String email = "ada-" + UUID.randomUUID() + "@example.com";

        Member member = directory.addMember(tenant, email, Set.of(Role.TENANT_ADMIN, Role.DEVELOPER));

        assertThat(directory.members(tenant)).singleElement().satisfies(listed -> {
            assertThat(listed.userId()).isEqualTo(member.userId());
            assertThat(listed.email()).isEqualTo(email);
            assertThat(listed.roles()).containsExactlyInAnyOrder(Role.TENANT_ADMIN, Role.DEVELOPER);
        });
        assertThatThrownBy(() -> directory.addMember(other, email, Set.of(Role.DEVELOPER)))
                .isInstanceOfSatisfying(IdentityProviderException.class, e -> assertThat(e.code()).isEqualTo(IdentityProviderException.ALREADY_EXISTS));
        assertThat(directory.members(other)).isEmpty();
    }

    @Test
    void duplicateClientNamesAreRefused() {
        Tenant tenant = provisionedTenant();
        directory.createMachineClient(tenant, "ci", Set.of(Role.DEVELOPER));

        assertThatThrownBy(() -> directory.createMachineClient(tenant, "ci", Set.of(Role.DEVELOPER)))
                .isInstanceOfSatisfying(IdentityProviderException.class, e -> assertThat(e.code()).isEqualTo(IdentityProviderException.ALREADY_EXISTS));
    }

    @Test
    void erasureRemovesPeopleClientsAndTheOrganization() {
        Tenant tenant = provisionedTenant();
        Tenant neighbour = provisionedTenant();
        MachineClient client = directory.createMachineClient(tenant, "gone-soon", Set.of(Role.DEVELOPER));
        MachineClient neighbours = directory.createMachineClient(neighbour, "stays", Set.of(Role.DEVELOPER));
        directory.addMember(tenant, "erased-" + UUID.randomUUID() + "@example.com", Set.of(Role.DEVELOPER));

        directory.eraseTenant(tenant);
        directory.eraseTenant(tenant);

        assertThat(KeycloakTokens.requestClientCredentials(REALM, client.clientId(), client.secret()).statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> directory.members(tenant)).isInstanceOf(IdentityProviderException.class);
        assertThat(KeycloakTokens.requestClientCredentials(REALM, neighbours.clientId(), neighbours.secret()).statusCode()).isEqualTo(200);
    }

    @Test
    void unreachableKeycloakIsReportedAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        KeycloakSettings nowhere = new KeycloakSettings(URI.create("http://127.0.0.1:" + closedPort), REALM, "gatehouse", "master", "admin", "x");

        assertThatThrownBy(() -> KeycloakDirectory.connect(nowhere))
                .isInstanceOfSatisfying(IdentityProviderException.class, e -> assertThat(e.code()).isEqualTo(IdentityProviderException.UNAVAILABLE));
    }

    static Tenant provisionedTenant() {
        Tenant tenant = new Tenant(UUID.randomUUID(), "kc-" + TENANTS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8),
                "Keycloak test tenant", TenantStatus.ACTIVE, TenantSettings.DEFAULTS);
        directory.provision(tenant);
        return tenant;
    }
}
