package dev.gatehouse.standalone;

import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.file.CatalogFile;
import dev.gatehouse.catalog.file.SecretReferences;
import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Applies the operator's catalog file ({@code --gatehouse.catalog.file=catalog.yaml}) at start,
 * after the default tenant exists; an invalid file stops the start, naming its line.
 */
@Component
@OnPlane(Plane.CONTROL)
@Order(Bootstrap.ORDER + 1)
class DeclarativeCatalog implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DeclarativeCatalog.class);

    private final String file;
    private final CatalogRepository repository;
    private final CachedModelCatalog catalog;
    private final TenantDatabase tenants;
    private final BackendUrlPolicy backendUrls;
    private final SecretReferences secrets;
    private final Clock clock;

    DeclarativeCatalog(@Value("${gatehouse.catalog.file:}") String file, CatalogRepository repository, CachedModelCatalog catalog,
                       TenantDatabase tenants, BackendUrlPolicy backendUrls, SecretReferences secrets, Clock clock) {
        this.file = file;
        this.repository = repository;
        this.catalog = catalog;
        this.tenants = tenants;
        this.backendUrls = backendUrls;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (file.isBlank()) {
            return;
        }
        CatalogFile.Declared declared = CatalogFile.read(Path.of(file), backendUrls, secrets,
                slug -> tenants.tenants().findBySlug(slug).map(Tenant::id).orElse(null), clock.instant());
        declared.applyTo(repository);
        catalog.refresh();
        LOG.info("applied the catalog file {}: {} models, {} subscriptions", file, declared.models().size(), declared.subscriptions().size());
    }
}
