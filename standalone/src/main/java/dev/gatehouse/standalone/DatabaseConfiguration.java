package dev.gatehouse.standalone;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

/**
 * The database. {@code gatehouse.database.mode=embedded} (the default) runs a real PostgreSQL
 * server from a jar, with its data in {@code <gatehouse.data-dir>/postgres} so that it survives
 * restarts; {@code external} connects to {@code gatehouse.database.url}, which several gateway
 * processes can share. A server left running by a killed process is stopped first
 * ({@link OrphanedPostgres}), so that a supervisor can restart the gateway at once.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gatehouse.database.mode", havingValue = "embedded", matchIfMissing = true)
    EmbeddedPostgres embeddedPostgres(@Value("${gatehouse.data-dir}") Path dataDir,
                                      @Value("${gatehouse.database.embedded-port:0}") int port) throws IOException {
        Path postgresDir = dataDir.resolve("postgres");
        Files.createDirectories(dataDir);
        OrphanedPostgres.stopIfRunning(postgresDir, Duration.ofSeconds(20));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(postgresDir)
                .setCleanDataDirectory(false)
                // after a crash PostgreSQL replays its WAL before it accepts connections; that can take longer than the 10 s default
                .setPGStartupWait(Duration.ofSeconds(90));
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gatehouse.database.mode", havingValue = "embedded", matchIfMissing = true)
    DataSource embeddedDataSource(EmbeddedPostgres postgres,
                                  @Value("${gatehouse.database.connection-timeout:2s}") Duration connectionTimeout) {
        return pool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", connectionTimeout);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gatehouse.database.mode", havingValue = "external")
    DataSource externalDataSource(@Value("${gatehouse.database.url}") String url,
                                  @Value("${gatehouse.database.username:gatehouse}") String username,
                                  @Value("${gatehouse.database.password:}") String password,
                                  @Value("${gatehouse.database.connection-timeout:2s}") Duration connectionTimeout) {
        return pool(url, username, password, connectionTimeout);
    }

    /**
     * A caller waits at most {@code connectionTimeout} for a connection (Hikari's default is 30 s):
     * with the database down, the admin APIs answer 503 promptly, and a read-model refresh gives up
     * quickly and keeps serving its copy.
     */
    private static HikariDataSource pool(String url, String username, String password, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("gatehouse");
        // one multi-row INSERT per batch: the audit log appends its leaves and nodes in batches
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.setConnectionTimeout(connectionTimeout.toMillis());
        // a pooled connection to a vanished server is checked within the wait too (Hikari's floor is 250 ms)
        config.setValidationTimeout(Math.max(250, connectionTimeout.toMillis() / 2));
        return new HikariDataSource(config);
    }
}
