package dev.gatehouse.catalog.admin;

import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.tenant.admin.AdminAccess;

import java.time.Clock;

/** What every catalog handler works with: the stored catalog, this process's copy of it, the access rules and the time. */
record CatalogServices(CatalogRepository repository, CachedModelCatalog catalog, AdminAccess admin, CatalogAccess access, Clock clock) {
}
