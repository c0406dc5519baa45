package dev.gatehouse.catalog;

import org.flywaydb.core.Flyway;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * The catalog's own tables (schema {@code catalog}); no other module reads them directly. Secrets
 * of backends are sealed by {@link BackendSecrets} before they are written and opened when read.
 */
public final class CatalogRepository {

    private static final String MODEL_COLUMNS = """
            id, kind, owner_tenant_id, display_name, publisher, description, model_card, license, context_length,
            certifications, certified_special_categories, data_retention_days, zero_retention, status, deprecated_at, sunset_at,
            visibility, approval_required, simulator, created_at""";
    private static final String BACKEND_COLUMNS = """
            id, model_id, base_url, upstream_model, region, gpu_type, gpu_count, max_concurrency, weight,
            connect_timeout_ms, first_byte_timeout_ms, idle_timeout_ms, tls_ca_pem, tls_client_cert_pem, tls_client_key_sealed,
            credential_scheme, credential_header, credential_sealed, serves_responses_api""";

    private final JdbcClient jdbc;
    private final BackendSecrets secrets;
    private final TransactionTemplate writes;
    /** Models and their backends read as one consistent snapshot, never a model caught mid-save. */
    private final TransactionTemplate snapshotReads;

    private CatalogRepository(DataSource dataSource, BackendSecrets secrets) {
        this.jdbc = JdbcClient.create(dataSource);
        this.secrets = secrets;
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        this.writes = new TransactionTemplate(transactions);
        this.snapshotReads = new TransactionTemplate(transactions);
        snapshotReads.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotReads.setReadOnly(true);
    }

    /** Migrates the catalog schema to the newest version and returns a repository over it. */
    public static CatalogRepository migrate(DataSource dataSource, BackendSecrets secrets) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("catalog")
                .locations("classpath:db/catalog")
                .load()
                .migrate();
        return new CatalogRepository(dataSource, secrets);
    }

    /** Creates or replaces the model with its stored backends (backends local to a process are not stored). */
    public void saveModel(CatalogModel model) {
        writes.executeWithoutResult(status -> {
            writeModel(model, true);
            for (ModelBackend backend : model.backends()) {
                if (backend.localToInstance() == null) {
                    writeBackend(backend, true);
                }
            }
        });
    }

    /**
     * Saves the model and makes its stored backends exactly the model's own, in one transaction:
     * what an operator declares in a catalog file, applied again at every start.
     */
    public void declare(CatalogModel model) {
        writes.executeWithoutResult(status -> {
            writeModel(model, true);
            List<String> declared = model.backends().stream().map(ModelBackend::id).toList();
            jdbc.sql("DELETE FROM catalog.backends WHERE model_id = :id" + (declared.isEmpty() ? "" : " AND id NOT IN (:declared)"))
                    .param("id", model.id())
                    .params(declared.isEmpty() ? Map.of() : Map.of("declared", declared))
                    .update();
            for (ModelBackend backend : model.backends()) {
                requireStored(backend);
                writeBackend(backend, true);
            }
        });
    }

    /** Creates a new model without backends; false when a model with its id exists. */
    public boolean createModel(CatalogModel model) {
        try {
            writes.executeWithoutResult(status -> {
                writeModel(model, false);
            });
            return true;
        } catch (DuplicateKeyException exists) {
            return false;
        }
    }

    /** Replaces a model's attributes and appends its newest price if that changes the tariff; backends stay. */
    public boolean updateModel(CatalogModel model) {
        return Boolean.TRUE.equals(writes.execute(status -> {
            if (jdbc.sql("SELECT 1 FROM catalog.models WHERE id = :id FOR UPDATE").param("id", model.id()).query().listOfRows().isEmpty()) {
                return false;
            }
            writeModel(model, true);
            return true;
        }));
    }

    public boolean deleteModel(String modelId) {
        return jdbc.sql("DELETE FROM catalog.models WHERE id = :id").param("id", modelId).update() == 1;
    }

    /** Inserts the model, or with {@code replace} also overwrites an existing one (a new one fails on a duplicate id). */
    private void writeModel(CatalogModel model, boolean replace) {
        ModelDescription description = model.description();
        ModelCompliance compliance = model.compliance();
        jdbc.sql("""
                INSERT INTO catalog.models (id, kind, owner_tenant_id, display_name, publisher, description, model_card, license,
                    context_length, certifications, certified_special_categories, data_retention_days, zero_retention,
                    status, deprecated_at, sunset_at, visibility, approval_required, simulator)
                VALUES (:id, :kind, :owner, :displayName, :publisher, :summary, :card, :license, :contextLength,
                    string_to_array(:certifications, ','), string_to_array(:categories, ','), :retentionDays, :zeroRetention,
                    :status, :deprecatedAt, :sunsetAt, :visibility, :approvalRequired, :simulator)
                """ + (replace ? """
                ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, owner_tenant_id = EXCLUDED.owner_tenant_id,
                    display_name = EXCLUDED.display_name, publisher = EXCLUDED.publisher, description = EXCLUDED.description,
                    model_card = EXCLUDED.model_card, license = EXCLUDED.license, context_length = EXCLUDED.context_length,
                    certifications = EXCLUDED.certifications, certified_special_categories = EXCLUDED.certified_special_categories,
                    data_retention_days = EXCLUDED.data_retention_days, zero_retention = EXCLUDED.zero_retention,
                    status = EXCLUDED.status, deprecated_at = EXCLUDED.deprecated_at, sunset_at = EXCLUDED.sunset_at, visibility = EXCLUDED.visibility,
                    approval_required = EXCLUDED.approval_required, simulator = EXCLUDED.simulator, updated_at = now()
                """ : ""))
                .param("id", model.id())
                .param("kind", model.kind().code())
                .param("owner", model.ownerTenant())
                .param("displayName", description.displayName())
                .param("publisher", description.publisher())
                .param("summary", description.summary())
                .param("card", description.modelCard())
                .param("license", description.license())
                .param("contextLength", description.contextLength())
                .param("certifications", String.join(",", new TreeSet<>(compliance.certifications())))
                .param("categories", String.join(",", new TreeSet<>(compliance.certifiedSpecialCategories())))
                .param("retentionDays", compliance.dataRetentionDays())
                .param("zeroRetention", compliance.zeroRetention())
                .param("status", model.lifecycle().status().code())
                .param("deprecatedAt", timestamp(model.lifecycle().deprecatedAt()))
                .param("sunsetAt", timestamp(model.lifecycle().sunsetAt()))
                .param("visibility", model.access().visibility().code())
                .param("approvalRequired", model.access().approvalRequired())
                .param("simulator", model.simulator())
                .update();
        jdbc.sql("DELETE FROM catalog.model_shares WHERE model_id = :id").param("id", model.id()).update();
        for (UUID tenant : model.access().sharedWith()) {
            jdbc.sql("INSERT INTO catalog.model_shares (model_id, tenant_id) VALUES (:id, :tenant)")
                    .param("id", model.id()).param("tenant", tenant).update();
        }
        for (ModelPrice price : model.prices()) {
            recordPrice(model.id(), price);
        }
        jdbc.sql("DELETE FROM catalog.model_fallbacks WHERE model_id = :id").param("id", model.id()).update();
        for (int position = 0; position < model.fallbackModels().size(); position++) {
            jdbc.sql("INSERT INTO catalog.model_fallbacks (model_id, position, fallback_model_id) VALUES (:id, :position, :fallback)")
                    .param("id", model.id()).param("position", position).param("fallback", model.fallbackModels().get(position)).update();
        }
    }

    /**
     * Keeps a price unless the tariff in force at its effective time is already the same, so that
     * saving a model again (a restart, a re-applied catalog file) adds no history. A price already in
     * force is never rewritten; one scheduled for the future may still be corrected.
     */
    private void recordPrice(String modelId, ModelPrice price) {
        Optional<ModelPrice> inForce = jdbc.sql("""
                SELECT effective_from, input_per_million, output_per_million, per_request, currency FROM catalog.model_prices
                WHERE model_id = :id AND effective_from <= :at ORDER BY effective_from DESC LIMIT 1
                """).param("id", modelId).param("at", timestamp(price.effectiveFrom()))
                .query((row, index) -> price(row)).optional();
        if (inForce.isPresent() && inForce.get().sameTariffAs(price)) {
            return;
        }
        jdbc.sql("""
                INSERT INTO catalog.model_prices (model_id, effective_from, input_per_million, output_per_million, per_request, currency)
                VALUES (:id, :from, :input, :output, :perRequest, :currency)
                ON CONFLICT (model_id, effective_from) DO UPDATE SET input_per_million = EXCLUDED.input_per_million,
                    output_per_million = EXCLUDED.output_per_million, per_request = EXCLUDED.per_request, currency = EXCLUDED.currency
                    WHERE catalog.model_prices.effective_from > now()
                """)
                .param("id", modelId)
                .param("from", timestamp(price.effectiveFrom()))
                .param("input", price.inputPerMillionTokens())
                .param("output", price.outputPerMillionTokens())
                .param("perRequest", price.perRequest())
                .param("currency", price.currency())
                .update();
    }

    /** Creates a backend; false when one with its id exists. */
    public boolean createBackend(ModelBackend backend) {
        requireStored(backend);
        try {
            writes.executeWithoutResult(status -> {
                writeBackend(backend, false);
            });
            return true;
        } catch (DuplicateKeyException exists) {
            return false;
        }
    }

    public void updateBackend(ModelBackend backend) {
        requireStored(backend);
        writes.executeWithoutResult(status -> writeBackend(backend, true));
    }

    public boolean deleteBackend(String modelId, String backendId) {
        return jdbc.sql("DELETE FROM catalog.backends WHERE id = :id AND model_id = :model")
                .param("id", backendId).param("model", modelId).update() == 1;
    }

    private static void requireStored(ModelBackend backend) {
        if (backend.localToInstance() != null) {
            throw new IllegalArgumentException("a backend local to one process is not stored in the shared catalog");
        }
    }

    private void writeBackend(ModelBackend backend, boolean replace) {
        BackendCapacity capacity = backend.capacity();
        UpstreamCredential credential = backend.credential();
        if (credential != null && !credential.readable()) {
            throw new IllegalArgumentException("an unreadable credential cannot be stored again; set a new one");
        }
        BackendTls tls = backend.tls();
        jdbc.sql("""
                INSERT INTO catalog.backends (id, model_id, base_url, upstream_model, region, gpu_type, gpu_count, max_concurrency,
                    weight, connect_timeout_ms, first_byte_timeout_ms, idle_timeout_ms, tls_ca_pem, tls_client_cert_pem, tls_client_key_sealed,
                    credential_scheme, credential_header, credential_sealed, serves_responses_api)
                VALUES (:id, :modelId, :baseUrl, :upstreamModel, :region, :gpuType, :gpuCount, :maxConcurrency, :weight,
                    :connectTimeout, :firstByteTimeout, :idleTimeout, :caPem, :clientCertPem, :clientKeySealed, :scheme, :header, :credentialSealed,
                    :servesResponsesApi)
                """ + (replace ? """
                ON CONFLICT (id) DO UPDATE SET model_id = EXCLUDED.model_id, base_url = EXCLUDED.base_url,
                    upstream_model = EXCLUDED.upstream_model, region = EXCLUDED.region, gpu_type = EXCLUDED.gpu_type,
                    gpu_count = EXCLUDED.gpu_count, max_concurrency = EXCLUDED.max_concurrency, weight = EXCLUDED.weight,
                    connect_timeout_ms = EXCLUDED.connect_timeout_ms, first_byte_timeout_ms = EXCLUDED.first_byte_timeout_ms,
                    idle_timeout_ms = EXCLUDED.idle_timeout_ms,
                    tls_ca_pem = EXCLUDED.tls_ca_pem, tls_client_cert_pem = EXCLUDED.tls_client_cert_pem,
                    tls_client_key_sealed = EXCLUDED.tls_client_key_sealed, credential_scheme = EXCLUDED.credential_scheme,
                    credential_header = EXCLUDED.credential_header, credential_sealed = EXCLUDED.credential_sealed,
                    serves_responses_api = EXCLUDED.serves_responses_api, updated_at = now()
                """ : ""))
                .param("id", backend.id())
                .param("modelId", backend.modelId())
                .param("baseUrl", backend.baseUrl().toString())
                .param("upstreamModel", backend.upstreamModel())
                .param("region", backend.region())
                .param("gpuType", capacity.gpuType())
                .param("gpuCount", capacity.gpuCount())
                .param("maxConcurrency", capacity.maxConcurrentRequests())
                .param("weight", capacity.weight())
                .param("connectTimeout", Math.toIntExact(capacity.connectTimeout().toMillis()))
                .param("firstByteTimeout", Math.toIntExact(capacity.firstByteTimeout().toMillis()))
                .param("idleTimeout", Math.toIntExact(capacity.idleTimeout().toMillis()))
                .param("caPem", tls.caCertificatePem())
                .param("clientCertPem", tls.clientCertificatePem())
                .param("clientKeySealed", tls.clientKeyPem() == null ? null
                        : secrets.seal(backend.id(), BackendSecrets.CLIENT_KEY, tls.clientKeyPem()))
                .param("scheme", credential == null ? null : credential.scheme().code())
                .param("header", credential == null ? null : credential.headerName())
                .param("credentialSealed", credential == null ? null
                        : secrets.seal(backend.id(), BackendSecrets.CREDENTIAL, credential.secret()))
                .param("servesResponsesApi", backend.servesResponsesApi())
                .update();
    }

    /** Subscribes a tenant with the given status; false when it already has a subscription to the model. */
    public boolean subscribe(UUID tenantId, String modelId, SubscriptionStatus status) {
        return jdbc.sql("""
                INSERT INTO catalog.subscriptions (tenant_id, model_id, status) VALUES (:tenantId, :modelId, :status)
                ON CONFLICT DO NOTHING
                """)
                .param("tenantId", tenantId)
                .param("modelId", modelId)
                .param("status", status.code())
                .update() == 1;
    }

    /** An active subscription, for operators and the platform's own setup; subscribing twice is harmless. */
    public void subscribe(UUID tenantId, String modelId) {
        subscribe(tenantId, modelId, SubscriptionStatus.ACTIVE);
    }

    /** Moves a subscription from one status to another; false when it is not in {@code from}. */
    public boolean decide(UUID tenantId, String modelId, SubscriptionStatus from, SubscriptionStatus to) {
        return jdbc.sql("""
                UPDATE catalog.subscriptions SET status = :to, updated_at = now()
                WHERE tenant_id = :tenantId AND model_id = :modelId AND status = :from
                """)
                .param("tenantId", tenantId).param("modelId", modelId).param("from", from.code()).param("to", to.code())
                .update() == 1;
    }

    /** Ends a subscription; returns false when there was none. */
    public boolean unsubscribe(UUID tenantId, String modelId) {
        return jdbc.sql("DELETE FROM catalog.subscriptions WHERE tenant_id = :tenantId AND model_id = :modelId")
                .param("tenantId", tenantId)
                .param("modelId", modelId)
                .update() == 1;
    }

    public Optional<Subscription> subscription(UUID tenantId, String modelId) {
        return jdbc.sql("SELECT tenant_id, model_id, status, created_at, updated_at FROM catalog.subscriptions "
                        + "WHERE tenant_id = :tenantId AND model_id = :modelId")
                .param("tenantId", tenantId).param("modelId", modelId)
                .query((row, index) -> subscription(row)).optional();
    }

    public List<Subscription> subscriptionsOfTenant(UUID tenantId) {
        return jdbc.sql("SELECT tenant_id, model_id, status, created_at, updated_at FROM catalog.subscriptions "
                        + "WHERE tenant_id = :tenantId ORDER BY model_id")
                .param("tenantId", tenantId)
                .query((row, index) -> subscription(row)).list();
    }

    public List<Subscription> subscriptionsOfModel(String modelId) {
        return jdbc.sql("SELECT tenant_id, model_id, status, created_at, updated_at FROM catalog.subscriptions "
                        + "WHERE model_id = :modelId ORDER BY created_at, tenant_id")
                .param("modelId", modelId)
                .query((row, index) -> subscription(row)).list();
    }

    Map<UUID, Map<String, SubscriptionStatus>> loadSubscriptions() {
        Map<UUID, Map<String, SubscriptionStatus>> subscriptions = new HashMap<>();
        jdbc.sql("SELECT tenant_id, model_id, status, created_at, updated_at FROM catalog.subscriptions")
                .query((row, index) -> subscription(row))
                .list()
                .forEach(subscription -> subscriptions.computeIfAbsent(subscription.tenantId(), tenant -> new HashMap<>())
                        .put(subscription.modelId(), subscription.status()));
        return subscriptions;
    }

    /** One model with its stored backends, read fresh from the database. */
    public Optional<CatalogModel> find(String modelId) {
        return snapshotReads.execute(status -> read(modelId).stream().findFirst());
    }

    public List<CatalogModel> loadAll() {
        return snapshotReads.execute(status -> read(null));
    }

    private List<CatalogModel> read(String onlyModel) {
        String where = onlyModel == null ? "" : " WHERE model_id = :model";
        Map<String, List<ModelBackend>> backendsByModel = new LinkedHashMap<>();
        bound(jdbc.sql("SELECT " + BACKEND_COLUMNS + " FROM catalog.backends" + where + " ORDER BY id"), onlyModel)
                .query((row, index) -> backend(row))
                .list()
                .forEach(backend -> backendsByModel.computeIfAbsent(backend.modelId(), id -> new ArrayList<>()).add(backend));
        Map<String, List<ModelPrice>> pricesByModel = new HashMap<>();
        bound(jdbc.sql("SELECT model_id, effective_from, input_per_million, output_per_million, per_request, currency "
                + "FROM catalog.model_prices" + where), onlyModel)
                .query((row, index) -> Map.entry(row.getString("model_id"), price(row)))
                .list()
                .forEach(entry -> pricesByModel.computeIfAbsent(entry.getKey(), id -> new ArrayList<>()).add(entry.getValue()));
        Map<String, Set<UUID>> sharesByModel = new HashMap<>();
        bound(jdbc.sql("SELECT model_id, tenant_id FROM catalog.model_shares" + where), onlyModel)
                .query((row, index) -> Map.entry(row.getString("model_id"), row.getObject("tenant_id", UUID.class)))
                .list()
                .forEach(entry -> sharesByModel.computeIfAbsent(entry.getKey(), id -> new java.util.HashSet<>()).add(entry.getValue()));
        Map<String, List<String>> fallbacksByModel = new HashMap<>();
        bound(jdbc.sql("SELECT model_id, fallback_model_id FROM catalog.model_fallbacks" + where + " ORDER BY model_id, position"), onlyModel)
                .query((row, index) -> Map.entry(row.getString("model_id"), row.getString("fallback_model_id")))
                .list()
                .forEach(entry -> fallbacksByModel.computeIfAbsent(entry.getKey(), id -> new ArrayList<>()).add(entry.getValue()));
        return bound(jdbc.sql("SELECT " + MODEL_COLUMNS + " FROM catalog.models"
                + (onlyModel == null ? "" : " WHERE id = :model") + " ORDER BY id"), onlyModel)
                .query((row, index) -> model(row,
                        pricesByModel.getOrDefault(row.getString("id"), List.of()),
                        sharesByModel.getOrDefault(row.getString("id"), Set.of()),
                        backendsByModel.getOrDefault(row.getString("id"), List.of()),
                        fallbacksByModel.getOrDefault(row.getString("id"), List.of())))
                .list();
    }

    private static JdbcClient.StatementSpec bound(JdbcClient.StatementSpec statement, String onlyModel) {
        return onlyModel == null ? statement : statement.param("model", onlyModel);
    }

    private static CatalogModel model(ResultSet row, List<ModelPrice> prices, Set<UUID> shares, List<ModelBackend> backends,
                                      List<String> fallbackModels) throws SQLException {
        Object contextLength = row.getObject("context_length");
        Object retentionDays = row.getObject("data_retention_days");
        return new CatalogModel(
                row.getString("id"),
                ModelKind.fromCode(row.getString("kind")),
                row.getObject("owner_tenant_id", UUID.class),
                new ModelDescription(row.getString("display_name"), row.getString("publisher"), row.getString("description"),
                        row.getString("model_card"), row.getString("license"), contextLength == null ? null : ((Number) contextLength).intValue()),
                new ModelCompliance(texts(row, "certifications"), texts(row, "certified_special_categories"),
                        retentionDays == null ? null : ((Number) retentionDays).intValue(), row.getBoolean("zero_retention")),
                new ModelLifecycle(ModelStatus.fromCode(row.getString("status")), instant(row.getTimestamp("deprecated_at")),
                        instant(row.getTimestamp("sunset_at"))),
                new ModelAccess(Visibility.fromCode(row.getString("visibility")), shares, row.getBoolean("approval_required")),
                prices,
                row.getBoolean("simulator"),
                row.getTimestamp("created_at").toInstant(),
                backends,
                fallbackModels);
    }

    private ModelBackend backend(ResultSet row) throws SQLException {
        String id = row.getString("id");
        byte[] clientKeySealed = row.getBytes("tls_client_key_sealed");
        String clientKey = clientKeySealed == null ? null
                : secrets.open(id, BackendSecrets.CLIENT_KEY, clientKeySealed).orElse(null);
        String clientCertificate = clientKeySealed != null && clientKey == null ? null : row.getString("tls_client_cert_pem");
        return new ModelBackend(
                id,
                row.getString("model_id"),
                URI.create(row.getString("base_url")),
                row.getString("upstream_model"),
                row.getString("region"),
                new BackendCapacity(row.getString("gpu_type"), row.getInt("gpu_count"), row.getInt("max_concurrency"), row.getInt("weight"),
                        Duration.ofMillis(row.getInt("connect_timeout_ms")), Duration.ofMillis(row.getInt("first_byte_timeout_ms")),
                        Duration.ofMillis(row.getInt("idle_timeout_ms"))),
                new BackendTls(row.getString("tls_ca_pem"), clientCertificate, clientKey),
                credential(id, row),
                null,
                row.getBoolean("serves_responses_api"));
    }

    private UpstreamCredential credential(String backendId, ResultSet row) throws SQLException {
        String scheme = row.getString("credential_scheme");
        if (scheme == null) {
            return null;
        }
        UpstreamCredential.Scheme kind = UpstreamCredential.Scheme.fromCode(scheme);
        String header = row.getString("credential_header");
        return secrets.open(backendId, BackendSecrets.CREDENTIAL, row.getBytes("credential_sealed"))
                .map(secret -> UpstreamCredential.of(kind, header, secret))
                .orElseGet(() -> UpstreamCredential.unreadable(kind, header));
    }

    private static ModelPrice price(ResultSet row) throws SQLException {
        return new ModelPrice(row.getTimestamp("effective_from").toInstant(), row.getObject("input_per_million", BigDecimal.class),
                row.getObject("output_per_million", BigDecimal.class), row.getObject("per_request", BigDecimal.class),
                row.getString("currency"));
    }

    private static Subscription subscription(ResultSet row) throws SQLException {
        return new Subscription(row.getObject("tenant_id", UUID.class), row.getString("model_id"),
                SubscriptionStatus.fromCode(row.getString("status")), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }

    private static Set<String> texts(ResultSet row, String column) throws SQLException {
        return Set.of((String[]) row.getArray(column).getArray());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
