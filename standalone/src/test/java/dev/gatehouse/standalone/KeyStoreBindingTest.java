package dev.gatehouse.standalone;

import dev.gatehouse.standalone.KeyStoreBinding.KeyStoreConflictException;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A database several processes can reach holds tenant keys of one local key store at most: the
 * first process binds it, the same key store (restarted, or its directory moved) is admitted, and a
 * process with a key store of its own is refused at start, with a message saying what to do.
 */
class KeyStoreBindingTest {

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();

    @TempDir
    Path dataDir;

    @Test
    void theFirstKeyStoreBindsTheDatabaseAndIsAdmittedAgainWhenItsProcessRestarts() {
        DataSource dataSource = TestPostgres.freshDatabase();

        KeyStoreBinding.bind(dataSource, dataDir.resolve("a/keys"), Clock.systemUTC());
        KeyStoreBinding.bind(dataSource, dataDir.resolve("a/keys"), Clock.systemUTC());
    }

    @Test
    void aMovedKeyDirectoryKeepsItsIdentity() throws Exception {
        DataSource dataSource = TestPostgres.freshDatabase();
        KeyStoreBinding.bind(dataSource, dataDir.resolve("a/keys"), Clock.systemUTC());

        Files.createDirectories(dataDir.resolve("moved"));
        Files.move(dataDir.resolve("a/keys"), dataDir.resolve("moved/keys"));

        KeyStoreBinding.bind(dataSource, dataDir.resolve("moved/keys"), Clock.systemUTC());
    }

    @Test
    void aProcessWithAKeyStoreOfItsOwnIsRefusedAndToldWhereTheTenantKeysAre() {
        DataSource dataSource = TestPostgres.freshDatabase();
        KeyStoreBinding.bind(dataSource, dataDir.resolve("a/keys"), Clock.systemUTC());

        assertThatThrownBy(() -> KeyStoreBinding.bind(dataSource, dataDir.resolve("b/keys"), Clock.systemUTC()))
                .isInstanceOf(KeyStoreConflictException.class)
                .hasMessageContaining(dataDir.resolve("a/keys").toString())
                .hasMessageContaining(dataDir.resolve("b/keys").toString());
    }

    @Test
    void aSecondMarketplaceOnTheDatabaseWithALocalKeyStoreOfItsOwnDoesNotStart() {
        try (var first = RunningMarketplace.start(dataDir.resolve("first"), database.databaseArguments())) {
            Throwable refused = catchThrowable(() -> RunningMarketplace.start(dataDir.resolve("second"), database.databaseArguments()).close());

            assertThat(refused).hasRootCauseInstanceOf(KeyStoreConflictException.class);
            FailureAnalysis analysis = new KeyStoreConflictFailureAnalyzer().analyze(refused);
            assertThat(analysis.getDescription()).contains(dataDir.resolve("first").toString()).contains("would be discarded");
            assertThat(analysis.getAction()).contains("gatehouse.crypto.vault.url");
            assertThat(first.isActive()).isTrue();
        }
    }

    @Test
    void marketplacesSharingVaultTransitShareTheDatabase() {
        try (var first = RunningMarketplace.start(dataDir.resolve("first"), database.marketplaceArguments());
             var second = RunningMarketplace.start(dataDir.resolve("second"), database.marketplaceArguments())) {
            assertThat(first.isActive()).isTrue();
            assertThat(second.isActive()).isTrue();
        }
    }
}
