package dev.gatehouse.tenant.keycloak;

import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantErasureListener;
import dev.gatehouse.tenant.TenantProvisioner;
import dev.gatehouse.tenant.identity.JwtAuthenticator;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.MemberRepresentation;
import org.keycloak.representations.idm.OrganizationRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gatehouse's tenants, members and machine clients in Keycloak: one realm, each tenant an
 * organization whose alias is the tenant slug (see docs/decisions/0101). Every user and service
 * account of a tenant carries the admin-only attribute {@value JwtAuthenticator#TENANT_CLAIM},
 * which a realm-wide client scope puts into access tokens together with the Gatehouse audience;
 * Gatehouse's roles are realm roles. Blocking: call off the event loop.
 */
public final class KeycloakDirectory implements TenantProvisioner, TenantErasureListener, AutoCloseable {

    static final String CLIENT_SCOPE = "gatehouse";
    private static final String CLIENT_PREFIX = "tenant-";
    private static final String TENANT_ATTRIBUTE = JwtAuthenticator.TENANT_CLAIM;

    private final Keycloak keycloak;
    private final KeycloakSettings settings;

    private KeycloakDirectory(Keycloak keycloak, KeycloakSettings settings) {
        this.keycloak = keycloak;
        this.settings = settings;
    }

    /** Connects as the configured administrator and makes sure the realm is set up; idempotent. */
    public static KeycloakDirectory connect(KeycloakSettings settings) {
        Keycloak keycloak = KeycloakBuilder.builder()
                .serverUrl(settings.serverUrl().toString())
                .realm(settings.adminRealm())
                .clientId("admin-cli")
                .grantType(OAuth2Constants.PASSWORD)
                .username(settings.adminUsername())
                .password(settings.adminPassword())
                .build();
        KeycloakDirectory directory = new KeycloakDirectory(keycloak, settings);
        try {
            call("set up the realm", directory::ensureRealm);
        } catch (RuntimeException e) {
            keycloak.close();
            throw e;
        }
        return directory;
    }

    private boolean ensureRealm() {
        boolean exists = keycloak.realms().findAll().stream().anyMatch(realm -> realm.getRealm().equals(settings.realm()));
        if (!exists) {
            RealmRepresentation realm = new RealmRepresentation();
            realm.setRealm(settings.realm());
            realm.setEnabled(true);
            realm.setOrganizationsEnabled(true);
            keycloak.realms().create(realm);
        }
        RealmResource realm = realm();
        Set<String> existingRoles = Set.copyOf(realm.roles().list().stream().map(RoleRepresentation::getName).toList());
        for (Role role : Role.values()) {
            if (!existingRoles.contains(role.code())) {
                realm.roles().create(new RoleRepresentation(role.code(), "Gatehouse " + role.code(), false));
            }
        }
        // Only administrators may set the tenant attribute: a user who could edit it could move into another tenant.
        UPConfig profile = realm.users().userProfile().getConfiguration();
        if (profile.getUnmanagedAttributePolicy() != UPConfig.UnmanagedAttributePolicy.ADMIN_EDIT) {
            profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ADMIN_EDIT);
            realm.users().userProfile().update(profile);
        }
        if (realm.clientScopes().findAll().stream().noneMatch(scope -> scope.getName().equals(CLIENT_SCOPE))) {
            ClientScopeRepresentation scope = new ClientScopeRepresentation();
            scope.setName(CLIENT_SCOPE);
            scope.setProtocol("openid-connect");
            scope.setAttributes(Map.of("include.in.token.scope", "false"));
            scope.setProtocolMappers(List.of(
                    mapper("gatehouse audience", "oidc-audience-mapper", Map.of(
                            "included.custom.audience", settings.audience(), "access.token.claim", "true", "id.token.claim", "false")),
                    mapper("gatehouse tenant", "oidc-usermodel-attribute-mapper", Map.of(
                            "user.attribute", TENANT_ATTRIBUTE, "claim.name", TENANT_ATTRIBUTE, "jsonType.label", "String",
                            "access.token.claim", "true", "id.token.claim", "true", "userinfo.token.claim", "true"))));
            String scopeId = created(realm.clientScopes().create(scope));
            realm.addDefaultDefaultClientScope(scopeId);
        }
        return true;
    }

    /** Creates the tenant's organization (alias: the slug), unless it exists already. */
    @Override
    public void provision(Tenant tenant) {
        call("provision the tenant", () -> {
            if (organization(tenant).isEmpty()) {
                OrganizationRepresentation organization = new OrganizationRepresentation();
                organization.setName(tenant.slug());
                organization.setAlias(tenant.slug());
                organization.setDescription(tenant.displayName());
                organization.setEnabled(true);
                created(realm().organizations().create(organization));
            }
            return true;
        });
    }

    /** Deletes the tenant's people, machine clients and organization; idempotent. */
    @Override
    public void eraseTenant(Tenant tenant) {
        call("erase the tenant", () -> {
            RealmResource realm = realm();
            // Clients first: their service accounts go with them, so the user search below finds only people.
            for (ClientRepresentation client : tenantClients(tenant)) {
                realm.clients().get(client.getId()).remove();
            }
            for (UserRepresentation user : realm.users().searchByAttributes(TENANT_ATTRIBUTE + ":" + tenant.slug())) {
                realm.users().delete(user.getId()).close();
            }
            organization(tenant).ifPresent(organization -> realm.organizations().get(organization.getId()).delete().close());
            return true;
        });
    }

    /**
     * Adds a person to the tenant: creates the user (username and email: {@code email}), makes them a
     * member of the tenant's organization and grants {@code roles}. A person belongs to one tenant.
     */
    public Member addMember(Tenant tenant, String email, Set<Role> roles) {
        return call("add the member", () -> {
            RealmResource realm = realm();
            if (!realm.users().searchByEmail(email, true).isEmpty()) {
                throw new IdentityProviderException(IdentityProviderException.ALREADY_EXISTS,
                        "A person with this email already exists; a person belongs to one tenant.", null);
            }
            OrganizationRepresentation organization = organization(tenant).orElseThrow(() -> notProvisioned(tenant));
            UserRepresentation user = new UserRepresentation();
            user.setUsername(email);
            user.setEmail(email);
            user.setEnabled(true);
            user.setAttributes(Map.of(TENANT_ATTRIBUTE, List.of(tenant.slug())));
            String userId = created(realm.users().create(user));
            created(realm.organizations().get(organization.getId()).members().addMember(userId));
            grant(realm.users().get(userId), roles);
            return new Member(userId, email, Set.copyOf(roles));
        });
    }

    public List<Member> members(Tenant tenant) {
        return call("list the members", () -> {
            RealmResource realm = realm();
            OrganizationRepresentation organization = organization(tenant).orElseThrow(() -> notProvisioned(tenant));
            return realm.organizations().get(organization.getId()).members().getAll().stream()
                    .map(member -> new Member(member.getId(), member.getEmail(), roles(realm.users().get(member.getId()))))
                    .toList();
        });
    }

    /** Creates an OAuth2 client-credentials client for the tenant; the answer carries its secret, once. */
    public MachineClient createMachineClient(Tenant tenant, String name, Set<Role> roles) {
        return call("create the client", () -> {
            RealmResource realm = realm();
            organization(tenant).orElseThrow(() -> notProvisioned(tenant));
            String clientId = CLIENT_PREFIX + tenant.slug() + "--" + name;
            if (!realm.clients().findByClientId(clientId).isEmpty()) {
                throw new IdentityProviderException(IdentityProviderException.ALREADY_EXISTS, "The tenant has a client with this name already.", null);
            }
            ClientRepresentation client = new ClientRepresentation();
            client.setClientId(clientId);
            client.setProtocol("openid-connect");
            client.setPublicClient(false);
            client.setServiceAccountsEnabled(true);
            client.setStandardFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(false);
            client.setAttributes(Map.of(TENANT_ATTRIBUTE, tenant.slug()));
            String id = created(realm.clients().create(client));
            ClientResource created = realm.clients().get(id);
            UserRepresentation serviceAccount = created.getServiceAccountUser();
            serviceAccount.setAttributes(Map.of(TENANT_ATTRIBUTE, List.of(tenant.slug())));
            realm.users().get(serviceAccount.getId()).update(serviceAccount);
            grant(realm.users().get(serviceAccount.getId()), roles);
            return new MachineClient(clientId, Set.copyOf(roles), created.getSecret().getValue());
        });
    }

    private List<ClientRepresentation> tenantClients(Tenant tenant) {
        String prefix = CLIENT_PREFIX + tenant.slug() + "--";
        return realm().clients().findAll(prefix, false, true, 0, 10_000).stream()
                .filter(client -> client.getClientId().startsWith(prefix))
                .filter(client -> client.getAttributes() != null && tenant.slug().equals(client.getAttributes().get(TENANT_ATTRIBUTE)))
                .toList();
    }

    private Optional<OrganizationRepresentation> organization(Tenant tenant) {
        return realm().organizations().search(tenant.slug(), true, 0, 10).stream()
                .filter(organization -> tenant.slug().equals(organization.getAlias()))
                .findFirst();
    }

    private void grant(UserResource user, Set<Role> roles) {
        List<RoleRepresentation> representations = roles.stream().map(role -> realm().roles().get(role.code()).toRepresentation()).toList();
        user.roles().realmLevel().add(representations);
    }

    private static Set<Role> roles(UserResource user) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (RoleRepresentation role : user.roles().realmLevel().listEffective()) {
            for (Role known : Role.values()) {
                if (known.code().equals(role.getName())) {
                    roles.add(known);
                }
            }
        }
        return roles;
    }

    private RealmResource realm() {
        return keycloak.realm(settings.realm());
    }

    private static ProtocolMapperRepresentation mapper(String name, String type, Map<String, String> config) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(name);
        mapper.setProtocol("openid-connect");
        mapper.setProtocolMapper(type);
        mapper.setConfig(config);
        return mapper;
    }

    private static String created(Response response) {
        try (response) {
            if (response.getStatus() == 409) {
                throw new IdentityProviderException(IdentityProviderException.ALREADY_EXISTS, "Keycloak reports that this already exists.", null);
            }
            if (response.getStatus() == 204 || response.getStatus() == 200) {
                return null;
            }
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    private static IdentityProviderException notProvisioned(Tenant tenant) {
        return new IdentityProviderException(IdentityProviderException.UNAVAILABLE,
                "The tenant has no organization in Keycloak; it was created while Keycloak was not configured.", null);
    }

    /** Runs a Keycloak interaction, turning transport and HTTP failures into {@link IdentityProviderException}s. */
    private static <T> T call(String action, Supplier<T> interaction) {
        try {
            return interaction.get();
        } catch (ProcessingException e) {
            throw new IdentityProviderException(IdentityProviderException.UNAVAILABLE, "Keycloak cannot be reached to " + action + ".", e);
        } catch (WebApplicationException e) {
            throw new IdentityProviderException(IdentityProviderException.UNAVAILABLE,
                    "Keycloak answered " + e.getResponse().getStatus() + " when asked to " + action + ".", e);
        }
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
