package dev.gatehouse.tenant;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TenantDirectoryTest {

    @Test
    void seesStatusChangesAfterRefresh() {
        TenantDatabase database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        Tenant acme = database.tenants().create("acme", "Acme Corp");
        TenantDirectory directory = new TenantDirectory(database.tenants());

        database.tenants().setStatus(acme.id(), TenantStatus.SUSPENDED);
        assertThat(directory.find(acme.id())).get().extracting(Tenant::active).isEqualTo(true);

        directory.refresh();
        assertThat(directory.find(acme.id())).get().extracting(Tenant::active).isEqualTo(false);
    }
}
