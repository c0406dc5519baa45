package dev.gatehouse.tenant.admin;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.ApiKeySummary;
import dev.gatehouse.tenant.Role;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The grant rule on its own, for callers the admin API never lets through (endpoint-scoped keys
 * are refused by {@link AdminAccess#member}), so that the rule holds wherever it is used.
 */
class AdminAccessTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final Set<Role> ADMIN = Set.of(Role.TENANT_ADMIN, Role.DEVELOPER);

    @Test
    void endpointScopedCallersKeysInheritTheirEndpointsWhenNoneAreRequested() {
        ApiKeyPrincipal caller = key(ADMIN, new ApiKeyScopes(null, Set.of("/v1/chat/completions", "/v1/models")));

        assertThat(AdminAccess.grantableScopes(caller, ApiKeyScopes.UNRESTRICTED))
                .isEqualTo(new ApiKeyScopes(null, Set.of("/v1/chat/completions", "/v1/models")));
        assertThat(AdminAccess.grantableScopes(caller, new ApiKeyScopes(Set.of("chat-simulator"), Set.of("/v1/models"))))
                .isEqualTo(new ApiKeyScopes(Set.of("chat-simulator"), Set.of("/v1/models")));
    }

    @Test
    void endpointScopedCallersCannotGrantOtherEndpointsNamingTheField() {
        ApiKeyPrincipal caller = key(ADMIN, new ApiKeyScopes(null, Set.of("/v1/models")));

        assertThatThrownBy(() -> AdminAccess.grantableScopes(caller, new ApiKeyScopes(null, Set.of("/v1/models", "/v1/embeddings"))))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.type()).isEqualTo(ProblemType.FORBIDDEN);
                    assertThat(problem.param()).isEqualTo("allowed_endpoints");
                    assertThat(problem.detail()).contains("[/v1/models]");
                });
    }

    @Test
    void platformAdminsGrantAnyRoleButNoWiderScopesThanTheirOwn() {
        ApiKeyPrincipal caller = key(Set.of(Role.PLATFORM_ADMIN), new ApiKeyScopes(Set.of("chat-simulator"), null));

        AdminAccess.requireGrantable(caller, Set.of(Role.AUDITOR, Role.PUBLISHER), "roles");
        assertThatThrownBy(() -> AdminAccess.requireGrantableScopes(caller, ApiKeyScopes.UNRESTRICTED))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.param()).isEqualTo("allowed_models"));
    }

    @Test
    void identityProviderPrincipalsHaveUnrestrictedScopesToGrant() {
        ApiKeyPrincipal person = ApiKeyPrincipal.fromIdentityProvider("alice", TENANT, ADMIN);

        assertThat(AdminAccess.grantableScopes(person, ApiKeyScopes.UNRESTRICTED)).isEqualTo(ApiKeyScopes.UNRESTRICTED);
        AdminAccess.requireManageable(person, summary(Set.of(Role.DEVELOPER), ApiKeyScopes.UNRESTRICTED));
    }

    @Test
    void onlyCallersWhoCouldGrantAKeyMayManageIt() {
        ApiKeyPrincipal chatAdmin = key(ADMIN, new ApiKeyScopes(Set.of("chat-simulator"), null));

        AdminAccess.requireManageable(chatAdmin, summary(Set.of(Role.DEVELOPER), new ApiKeyScopes(Set.of("chat-simulator"), Set.of("/v1/models"))));
        for (ApiKeySummary beyond : List.of(
                summary(Set.of(Role.DEVELOPER), ApiKeyScopes.UNRESTRICTED),
                summary(Set.of(Role.DEVELOPER), new ApiKeyScopes(Set.of("chat-simulator", "gpt-4o"), null)),
                summary(Set.of(Role.PUBLISHER), new ApiKeyScopes(Set.of("chat-simulator"), null)))) {
            assertThatThrownBy(() -> AdminAccess.requireManageable(chatAdmin, beyond))
                    .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.type()).isEqualTo(ProblemType.FORBIDDEN));
        }
    }

    private static ApiKeyPrincipal key(Set<Role> roles, ApiKeyScopes scopes) {
        return new ApiKeyPrincipal("kcaller", TENANT, roles, scopes);
    }

    private static ApiKeySummary summary(Set<Role> roles, ApiKeyScopes scopes) {
        return new ApiKeySummary("ktarget", TENANT, "target", roles, scopes, Instant.now(), null, null, null, null);
    }
}
