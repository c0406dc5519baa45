package dev.gatehouse.tenant;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private TenantDatabase database;
    private Tenant acme;

    @BeforeEach
    void freshTenant() {
        database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        acme = database.tenants().create("acme", "Acme Corp");
    }

    @Test
    void acceptsFreshKeyAndNamesItsTenantAndRoles() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);

        ApiKeyVerification verification = authenticatorAt(NOW).verify(key.token());

        assertThat(verification).isEqualTo(new ApiKeyVerification.Accepted(
                new ApiKeyPrincipal(key.keyId(), acme.id(), Set.of(Role.DEVELOPER), ApiKeyScopes.UNRESTRICTED)));
    }

    @Test
    void refusesTokenWithOneChangedSecretCharacter() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);
        char last = key.token().charAt(key.token().length() - 1);
        String forged = key.token().substring(0, key.token().length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(authenticatorAt(NOW).verify(forged)).isEqualTo(refused(ApiKeyVerification.Reason.INVALID));
    }

    @Test
    void refusesMalformedUnknownAndMissingTokensAlike() {
        ApiKeyAuthenticator authenticator = authenticatorAt(NOW);
        String unknownButWellFormed = ApiKeyToken.mint().token();

        assertThat(authenticator.verify(unknownButWellFormed)).isEqualTo(refused(ApiKeyVerification.Reason.INVALID));
        assertThat(authenticator.verify("sk-not-ours")).isEqualTo(refused(ApiKeyVerification.Reason.INVALID));
        assertThat(authenticator.verify("")).isEqualTo(refused(ApiKeyVerification.Reason.INVALID));
        assertThat(authenticator.verify(null)).isEqualTo(refused(ApiKeyVerification.Reason.INVALID));
    }

    @Test
    void refusesRevokedKeyAfterNextRefresh() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);
        ApiKeyAuthenticator authenticator = authenticatorAt(NOW);

        assertThat(database.apiKeys().revoke(key.keyId())).isTrue();
        authenticator.refresh();

        assertThat(authenticator.verify(key.token())).isEqualTo(refused(ApiKeyVerification.Reason.REVOKED));
    }

    @Test
    void revokingTwiceReportsNothingToRevoke() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);

        assertThat(database.apiKeys().revoke(key.keyId())).isTrue();
        assertThat(database.apiKeys().revoke(key.keyId())).isFalse();
    }

    @Test
    void refusesKeyPastItsExpiry() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), NOW.plus(Duration.ofHours(1)));

        assertThat(authenticatorAt(NOW).verify(key.token())).isInstanceOf(ApiKeyVerification.Accepted.class);
        assertThat(authenticatorAt(NOW.plus(Duration.ofHours(1))).verify(key.token()))
                .isEqualTo(refused(ApiKeyVerification.Reason.EXPIRED));
    }

    @Test
    void refusesKeysOfSuspendedTenantAfterNextRefresh() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);
        ApiKeyAuthenticator authenticator = authenticatorAt(NOW);

        database.tenants().setStatus(acme.id(), TenantStatus.SUSPENDED);
        authenticator.refresh();

        assertThat(authenticator.verify(key.token())).isEqualTo(refused(ApiKeyVerification.Reason.TENANT_SUSPENDED));
    }

    @Test
    void picksUpKeysCreatedAfterStart() {
        ApiKeyAuthenticator authenticator = authenticatorAt(NOW);
        IssuedApiKey key = database.apiKeys().create(acme.id(), "late", Set.of(Role.DEVELOPER), null);

        authenticator.refresh();

        assertThat(authenticator.verify(key.token())).isInstanceOf(ApiKeyVerification.Accepted.class);
    }

    @Test
    void recordsLastUseOnFlushNotOnEveryRequest() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);
        ApiKeyAuthenticator authenticator = authenticatorAt(NOW);

        authenticator.verify(key.token());
        assertThat(database.apiKeys().find(key.keyId()).orElseThrow().lastUsedAt()).isNull();

        authenticator.flushLastUsed();
        assertThat(database.apiKeys().find(key.keyId()).orElseThrow().lastUsedAt()).isEqualTo(NOW);
    }

    private ApiKeyAuthenticator authenticatorAt(Instant now) {
        return new ApiKeyAuthenticator(database.apiKeys(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static ApiKeyVerification refused(ApiKeyVerification.Reason reason) {
        return new ApiKeyVerification.Refused(reason);
    }
}
