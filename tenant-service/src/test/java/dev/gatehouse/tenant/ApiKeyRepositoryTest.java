package dev.gatehouse.tenant;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyRepositoryTest {

    private TenantDatabase database;
    private Tenant acme;

    @BeforeEach
    void freshTenant() {
        database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        acme = database.tenants().create("acme", "Acme Corp");
    }

    @Test
    void issuesRecognisableTokenWithNonSecretKeyId() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);

        assertThat(key.token()).startsWith("gatehouse_" + key.keyId() + "_");
        assertThat(ApiKeyToken.keyIdOf(key.token())).contains(key.keyId());
        assertThat(key.toString()).doesNotContain(key.token());
    }

    @Test
    void storesOnlyTheDigestOfTheToken() {
        IssuedApiKey key = database.apiKeys().create(acme.id(), "ci", Set.of(Role.DEVELOPER), null);

        StoredApiKey stored = database.apiKeys().changedSince(java.time.Instant.EPOCH).get(0);

        assertThat(stored.secretSha256()).isEqualTo(ApiKeyToken.sha256(key.token()));
    }

    @Test
    void listsKeysOfOneTenantOnly() {
        Tenant other = database.tenants().create("globex", "Globex");
        IssuedApiKey mine = database.apiKeys().create(acme.id(), "mine", Set.of(Role.DEVELOPER), null);
        database.apiKeys().create(other.id(), "theirs", Set.of(Role.DEVELOPER), null);

        assertThat(database.apiKeys().listForTenant(acme.id())).extracting(ApiKeySummary::keyId).containsExactly(mine.keyId());
    }

    @Test
    void mintsDistinctKeysUnderConcurrentCreation() throws InterruptedException {
        int threads = 8;
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> {
                for (int n = 0; n < 10; n++) {
                    database.apiKeys().create(acme.id(), "parallel", Set.of(Role.DEVELOPER), null);
                }
            });
            workers[i].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }

        assertThat(database.apiKeys().listForTenant(acme.id())).hasSize(80)
                .extracting(ApiKeySummary::keyId).doesNotHaveDuplicates();
    }

    @Test
    void refusesKeyWithoutRoles() {
        assertThatThrownBy(() -> database.apiKeys().create(acme.id(), "none", Set.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTenantSlugWithUppercaseOrSpaces() {
        assertThatThrownBy(() -> database.tenants().create("Acme Corp", "Acme"))
                .hasMessageContaining("tenants_slug_check");
    }
}
