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

import javax.sql.DataSource;

/**
 * The database. {@code gatehouse.database.mode=embedded} (the default) runs a real PostgreSQL
 * server from a jar, with its data in {@code <gatehouse.data-dir>/postgres} so that it survives
 * restarts; {@code external} connects to {@code gatehouse.database.url}, which several gateway
 * processes can share.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gatehouse.database.mode", havingValue = "embedded", matchIfMissing = true)
    EmbeddedPostgres embeddedPostgres(@Value("${gatehouse.data-dir}") Path dataDir,
                                      @Value("${gatehouse.database.embedded-port:0}") int port) throws IOException {
        Path postgresDir = dataDir.resolve("postgres");
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(postgresDir)
                .setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gatehouse.database.mode", havingValue = "embedded", matchIfMissing = true)
    DataSource embeddedDataSource(EmbeddedPostgres postgres) {
        return pool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gatehouse.database.mode", havingValue = "external")
    DataSource externalDataSource(@Value("${gatehouse.database.url}") String url,
                                  @Value("${gatehouse.database.username:gatehouse}") String username,
                                  @Value("${gatehouse.database.password:}") String password) {
        return pool(url, username, password);
    }

    private static HikariDataSource pool(String url, String username, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("gatehouse");
        return new HikariDataSource(config);
    }
}
