package dev.gatehouse.catalog;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.net.URI;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

/** The catalog's own tables (schema {@code catalog}); no other module reads them directly. */
public final class CatalogRepository {

    private final JdbcClient jdbc;
    private final TransactionTemplate writes;
    /** Models and their backends read as one consistent snapshot, never a model caught mid-save. */
    private final TransactionTemplate snapshotReads;

    private CatalogRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        this.writes = new TransactionTemplate(transactions);
        this.snapshotReads = new TransactionTemplate(transactions);
        snapshotReads.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotReads.setReadOnly(true);
    }

    /** Migrates the catalog schema to the newest version and returns a repository over it. */
    public static CatalogRepository migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("catalog")
                .locations("classpath:db/catalog")
                .load()
                .migrate();
        return new CatalogRepository(dataSource);
    }

    public void saveModel(CatalogModel model) {
        writes.executeWithoutResult(status -> insertModelWithBackends(model));
    }

    private void insertModelWithBackends(CatalogModel model) {
        jdbc.sql("""
                INSERT INTO catalog.models (id, kind, display_name, publisher, description, simulator,
                    input_price_per_million_tokens, output_price_per_million_tokens, certified_special_categories)
                VALUES (:id, :kind, :displayName, :publisher, :description, :simulator, :inputPrice, :outputPrice,
                    string_to_array(:certified, ','))
                ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, display_name = EXCLUDED.display_name,
                    publisher = EXCLUDED.publisher, description = EXCLUDED.description,
                    simulator = EXCLUDED.simulator,
                    input_price_per_million_tokens = EXCLUDED.input_price_per_million_tokens,
                    output_price_per_million_tokens = EXCLUDED.output_price_per_million_tokens,
                    certified_special_categories = EXCLUDED.certified_special_categories,
                    updated_at = now()
                """)
                .param("id", model.id())
                .param("kind", model.kind().code())
                .param("displayName", model.displayName())
                .param("publisher", model.publisher())
                .param("description", model.description())
                .param("simulator", model.simulator())
                .param("inputPrice", model.inputPricePerMillionTokens())
                .param("outputPrice", model.outputPricePerMillionTokens())
                .param("certified", String.join(",", new java.util.TreeSet<>(model.certifiedSpecialCategories())))
                .update();
        for (ModelBackend backend : model.backends()) {
            saveBackend(backend);
        }
    }

    private void saveBackend(ModelBackend backend) {
        jdbc.sql("""
                INSERT INTO catalog.backends (id, model_id, base_url, upstream_model, region)
                VALUES (:id, :modelId, :baseUrl, :upstreamModel, :region)
                ON CONFLICT (id) DO UPDATE SET model_id = EXCLUDED.model_id, base_url = EXCLUDED.base_url,
                    upstream_model = EXCLUDED.upstream_model, region = EXCLUDED.region, updated_at = now()
                """)
                .param("id", backend.id())
                .param("modelId", backend.modelId())
                .param("baseUrl", backend.baseUrl().toString())
                .param("upstreamModel", backend.upstreamModel())
                .param("region", backend.region())
                .update();
    }

    /** Subscribes a tenant to a model; subscribing twice is harmless. */
    public void subscribe(UUID tenantId, String modelId) {
        jdbc.sql("INSERT INTO catalog.subscriptions (tenant_id, model_id) VALUES (:tenantId, :modelId) ON CONFLICT DO NOTHING")
                .param("tenantId", tenantId)
                .param("modelId", modelId)
                .update();
    }

    /** Ends a subscription; returns false when there was none. */
    public boolean unsubscribe(UUID tenantId, String modelId) {
        return jdbc.sql("DELETE FROM catalog.subscriptions WHERE tenant_id = :tenantId AND model_id = :modelId")
                .param("tenantId", tenantId)
                .param("modelId", modelId)
                .update() == 1;
    }

    Map<UUID, Set<String>> loadSubscriptions() {
        Map<UUID, Set<String>> subscriptions = new HashMap<>();
        jdbc.sql("SELECT tenant_id, model_id FROM catalog.subscriptions")
                .query((row, index) -> Map.entry(row.getObject("tenant_id", UUID.class), row.getString("model_id")))
                .list()
                .forEach(entry -> subscriptions.computeIfAbsent(entry.getKey(), tenant -> new HashSet<>()).add(entry.getValue()));
        return subscriptions;
    }

    public List<CatalogModel> loadAll() {
        return snapshotReads.execute(status -> readAll());
    }

    private List<CatalogModel> readAll() {
        Map<String, List<ModelBackend>> backendsByModel = new LinkedHashMap<>();
        jdbc.sql("SELECT id, model_id, base_url, upstream_model, region FROM catalog.backends ORDER BY id")
                .query((row, index) -> new ModelBackend(
                        row.getString("id"),
                        row.getString("model_id"),
                        URI.create(row.getString("base_url")),
                        row.getString("upstream_model"),
                        row.getString("region")))
                .list()
                .forEach(backend -> backendsByModel
                        .computeIfAbsent(backend.modelId(), id -> new ArrayList<>())
                        .add(backend));
        return jdbc.sql("""
                SELECT id, kind, display_name, publisher, description, simulator,
                       input_price_per_million_tokens, output_price_per_million_tokens, created_at,
                       certified_special_categories
                FROM catalog.models ORDER BY id
                """)
                .query((row, index) -> new CatalogModel(
                        row.getString("id"),
                        ModelKind.fromCode(row.getString("kind")),
                        row.getString("display_name"),
                        row.getString("publisher"),
                        row.getString("description"),
                        row.getBoolean("simulator"),
                        row.getObject("input_price_per_million_tokens", BigDecimal.class),
                        row.getObject("output_price_per_million_tokens", BigDecimal.class),
                        row.getObject("created_at", Timestamp.class).toInstant(),
                        Set.of((String[]) row.getArray("certified_special_categories").getArray()),
                        backendsByModel.getOrDefault(row.getString("id"), List.of())))
                .list();
    }
}
