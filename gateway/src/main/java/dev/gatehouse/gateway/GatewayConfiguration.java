package dev.gatehouse.gateway;

import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.audit.ContentQueueBudget;
import dev.gatehouse.catalog.BackendSecrets;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.gateway.content.ContentSealer;
import dev.gatehouse.gateway.filter.AnswerStepsFilter;
import dev.gatehouse.gateway.filter.AuditRecordFilter;
import dev.gatehouse.gateway.filter.AuthenticationFilter;
import dev.gatehouse.gateway.budgets.AlertWebhookSender;
import dev.gatehouse.gateway.budgets.BudgetAlerts;
import dev.gatehouse.gateway.budgets.BudgetDirectory;
import dev.gatehouse.gateway.budgets.BudgetGuard;
import dev.gatehouse.gateway.budgets.BudgetStore;
import dev.gatehouse.gateway.budgets.LocalSpendCounters;
import dev.gatehouse.gateway.budgets.RedisSpendCounters;
import dev.gatehouse.gateway.budgets.SpendCounters;
import dev.gatehouse.gateway.filter.BackendCallFilter;
import dev.gatehouse.gateway.filter.BudgetFilter;
import dev.gatehouse.gateway.filter.BackendResponseFilter;
import dev.gatehouse.gateway.filter.BackendRoutingFilter;
import dev.gatehouse.gateway.filter.MeteringFilter;
import dev.gatehouse.gateway.filter.ModelListingFilter;
import dev.gatehouse.gateway.filter.ModelResolutionFilter;
import dev.gatehouse.gateway.filter.PolicyDecisionFilter;
import dev.gatehouse.gateway.filter.PromptInspectionFilter;
import dev.gatehouse.gateway.filter.PseudonymRestorationFilter;
import dev.gatehouse.gateway.filter.RateLimitFilter;
import dev.gatehouse.gateway.filter.RequestIdentityFilter;
import dev.gatehouse.gateway.filter.ResponseInspectionFilter;
import dev.gatehouse.gateway.filter.ResponsesTranslationFilter;
import dev.gatehouse.gateway.filter.StoredResponsesFilter;
import dev.gatehouse.gateway.responses.StoredResponses;
import dev.gatehouse.gateway.filter.TenantContextFilter;
import dev.gatehouse.gateway.identity.GatewayIdentityConfiguration;
import dev.gatehouse.gateway.limits.LimitBuckets;
import dev.gatehouse.gateway.limits.LocalLimitBuckets;
import dev.gatehouse.gateway.limits.RateLimiter;
import dev.gatehouse.gateway.limits.RedisLimitBuckets;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.gateway.metering.CallMetrics;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.gateway.policy.CallPolicy;
import dev.gatehouse.gateway.inspection.CatalogClassifierBackends;
import dev.gatehouse.gateway.routing.BackendHealthBoard;
import dev.gatehouse.gateway.routing.BackendHttpClients;
import dev.gatehouse.gateway.routing.BackendProber;
import dev.gatehouse.gateway.routing.BackendSelector;
import dev.gatehouse.gateway.routing.CapacityQueue;
import dev.gatehouse.gateway.routing.FallbackModels;
import dev.gatehouse.gateway.routing.GuardedAddressResolver;
import dev.gatehouse.gateway.routing.RoutingProperties;
import dev.gatehouse.gateway.server.HttpEdge;
import dev.gatehouse.gateway.tracing.StepTracing;
import dev.gatehouse.policy.PolicyDecisionPoint;
import dev.gatehouse.policy.RemotePolicyDecisionPoint;
import dev.gatehouse.policy.WasmPolicyDecisionPoint;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.problem.RequestIdFilter;
import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.PersonalDataDetector;
import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantErasureListener;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

/**
 * Wires the data plane over a {@link DataSource}: the read models it serves from memory, the
 * pipeline filters (ordered by {@link GatewayStep}), the routes, and the error handler.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GatewayProperties.class, RoutingProperties.class})
@Import(GatewayIdentityConfiguration.class)
public class GatewayConfiguration {

    /** Where a route points before BackendRouting chooses the real backend; never contacted. */
    private static final String UNROUTED = "http://backend-not-chosen.invalid";
    /** Where the budget step's database work runs, off the event loop. */
    private static final Executor BLOCKING = task -> Schedulers.boundedElastic().schedule(task);
    /** Scan threads a core when scans wait for classifier backends (see {@link #promptScanThreads}). */
    private static final int SCANS_WAITING_ON_GPUS_PER_CORE = 8;

    @Bean
    Clock gatehouseClock() {
        return Clock.systemUTC();
    }

    @Bean
    TenantDatabase tenantDatabase(DataSource dataSource) {
        return TenantDatabase.migrate(dataSource);
    }

    /** Backends' upstream credentials are sealed under the platform's own key in the tenants' key service. */
    @Bean
    BackendSecrets backendSecrets(TenantCipher cipher) {
        return new BackendSecrets(cipher);
    }

    @Bean
    CatalogRepository catalogRepository(DataSource dataSource, BackendSecrets secrets) {
        return CatalogRepository.migrate(dataSource, secrets);
    }

    @Bean
    CachedModelCatalog modelCatalog(CatalogRepository repository) {
        return new CachedModelCatalog(repository);
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(TenantDatabase tenants, Clock clock) {
        return new ApiKeyAuthenticator(tenants.apiKeys(), clock);
    }

    @Bean
    TenantDirectory tenantDirectory(TenantDatabase tenants) {
        return new TenantDirectory(tenants.tenants());
    }

    @Bean
    AuditLog auditLog(DataSource dataSource) {
        return AuditLog.migrate(dataSource);
    }

    /**
     * Every audit record, with its call's sealed content when that is logged, is fsynced to
     * {@code <data-dir>/audit-journal} before its call's answer ends, then stored (content first) in
     * the content log and the audit log; records a crash left there are stored at startup, before
     * the first call. While the journal holds {@code gatehouse.audit.journal-capacity} records the
     * database has not taken yet, new calls are refused (503 audit_unavailable).
     */
    @Bean(destroyMethod = "close")
    AuditJournal auditJournal(AuditLog auditLog, DataSource dataSource, @Value("${gatehouse.data-dir}") Path dataDir,
                              @Value("${gatehouse.audit.journal-capacity:100000}") int capacity,
                              @Value("${gatehouse.audit.content-queue-bytes:67108864}") long contentCapacityBytes) {
        return AuditJournal.open(dataDir.resolve("audit-journal"), capacity, auditLog::append, new ContentQueueBudget(contentCapacityBytes),
                new ContentLog(dataSource)::store, Duration.ofMillis(500));
    }

    /** In every plane: the data plane keeps and answers them, the control plane erases them with their tenant. */
    @Bean
    StoredResponses storedResponses(DataSource dataSource, TenantCipher cipher, Clock clock) {
        return StoredResponses.migrate(dataSource, cipher, clock);
    }

    @Bean
    TenantErasureListener storedResponsesEraser(StoredResponses storedResponses) {
        return tenant -> storedResponses.eraseTenant(tenant.id());
    }

    @Bean
    UsageLedger usageLedger(DataSource dataSource) {
        return UsageLedger.migrate(dataSource);
    }

    @Bean(destroyMethod = "close")
    AsyncBatchWriter<UsageRecord> usageWriter(UsageLedger ledger, GatewayProperties properties) {
        return new AsyncBatchWriter<>("usage", properties.writeQueueCapacity(), ledger::record);
    }

    @Bean(destroyMethod = "close")
    ReadModelRefresher readModelRefresher(GatewayProperties properties, CachedModelCatalog catalog, TenantDirectory tenants,
                                          ApiKeyAuthenticator authenticator, ComplianceProfiles complianceProfiles, BudgetDirectory budgets,
                                          Clock clock) {
        return new ReadModelRefresher(properties.cacheRefreshInterval(),
                List.of(authenticator::refresh, tenants::refresh, catalog::refresh, complianceProfiles::refresh, budgets::refresh,
                        authenticator::flushLastUsed),
                clock);
    }

    /** Reads the metering schema's daily totals, so only after {@link #usageLedger} has migrated it. */
    @Bean
    @DependsOn("usageLedger")
    BudgetStore budgetStore(DataSource dataSource, TenantCipher cipher) {
        return BudgetStore.migrate(dataSource, cipher);
    }

    @Bean
    BudgetDirectory budgetDirectory(BudgetStore store) {
        return new BudgetDirectory(store);
    }

    /**
     * Backend URLs must resolve to public addresses, except in the networks a platform admin lists
     * in {@code gatehouse.catalog.allowed-backend-networks} (CIDR; the embedded default lists the
     * loopback addresses its built-in backends listen on). Checked when a backend is registered,
     * and again on every connection, so that a host name re-pointed at a private address later
     * (DNS rebinding) is refused too.
     */
    @Bean
    BackendUrlPolicy backendUrlPolicy(@Value("${gatehouse.catalog.allowed-backend-networks:}") List<String> allowedNetworks) {
        return BackendUrlPolicy.allowing(allowedNetworks.stream().map(String::strip).filter(network -> !network.isEmpty()).toList());
    }

    @Bean
    HttpClientCustomizer backendAddressGuard(BackendUrlPolicy backendUrls) {
        return GuardedAddressResolver.customizer(backendUrls::permits);
    }

    /** Health, load and capacity of every backend as this process sees them; a failed backend's first ejection lasts the rest period. */
    @Bean
    BackendHealthBoard backendHealthBoard(Clock clock, GatewayProperties properties, RoutingProperties routing) {
        return new BackendHealthBoard(clock, properties.backendRestPeriod(), routing);
    }

    @Bean
    CapacityQueue capacityQueue(RoutingProperties routing) {
        return new CapacityQueue(routing.queueCapacity());
    }

    @Bean
    BackendSelector backendSelector(BackendHealthBoard board, CapacityQueue capacityQueue, Clock clock) {
        return new BackendSelector(board, capacityQueue, clock);
    }

    @Bean(destroyMethod = "close")
    BackendProber backendProber(CachedModelCatalog catalog, BackendHealthBoard board, BackendHttpClients clients, RoutingProperties routing,
                                Clock clock) {
        return new BackendProber(catalog, board, clients, routing, clock);
    }

    @Bean
    RequestIdentityFilter requestIdentityFilter(GatewayProperties properties, Clock clock) {
        return new RequestIdentityFilter(properties.maxRequestBytes(), clock);
    }

    @Bean
    AuthenticationFilter authenticationFilter(BearerAuthenticator authenticator) {
        return new AuthenticationFilter(authenticator);
    }

    @Bean
    TenantContextFilter tenantContextFilter(TenantDirectory tenants, ComplianceProfiles complianceProfiles) {
        return new TenantContextFilter(tenants, complianceProfiles);
    }

    /** Requires a {@link TenantCipher} (local keystore or Vault Transit). */
    @Bean
    ContentSealer contentSealer(TenantCipher cipher) {
        return new ContentSealer(cipher);
    }

    @Bean
    AuditRecordFilter auditRecordFilter(AuditJournal auditJournal, ContentSealer contentSealer) {
        return new AuditRecordFilter(auditJournal, contentSealer);
    }

    @Bean
    ModelResolutionFilter modelResolutionFilter(CachedModelCatalog catalog, Clock clock) {
        return new ModelResolutionFilter(catalog, clock);
    }

    @Bean
    TokenCounter tokenCounter() {
        return new TokenCounter();
    }

    /**
     * In memory (the embedded mode: one gateway), or in Redis when {@code gatehouse.limits.redis-url}
     * is set, shared by every replica; each Redis command gives up after
     * {@code gatehouse.limits.redis-timeout} (250 ms), and calls are then refused.
     */
    @Bean(destroyMethod = "close")
    LimitBuckets limitBuckets(@Value("${gatehouse.limits.redis-url:}") String redisUrl,
                              @Value("${gatehouse.limits.redis-timeout:250ms}") Duration redisTimeout) {
        return redisUrl.isBlank() ? new LocalLimitBuckets() : RedisLimitBuckets.connect(URI.create(redisUrl), redisTimeout);
    }

    @Bean
    RateLimitFilter rateLimitFilter(LimitBuckets limitBuckets, TokenCounter tokenCounter, BudgetDirectory budgets) {
        return new RateLimitFilter(new RateLimiter(limitBuckets), tokenCounter, budgets);
    }

    /** In memory, or in Redis beside the rate limits when {@code gatehouse.limits.redis-url} is set, with the same timeout. */
    @Bean(destroyMethod = "close")
    SpendCounters spendCounters(@Value("${gatehouse.limits.redis-url:}") String redisUrl,
                                @Value("${gatehouse.limits.redis-timeout:250ms}") Duration redisTimeout) {
        return redisUrl.isBlank() ? new LocalSpendCounters() : RedisSpendCounters.connect(URI.create(redisUrl), redisTimeout);
    }

    /**
     * A reservation whose call has not settled it within {@code gatehouse.budgets.reservation-hold}
     * (10 minutes: longer than any call) is released, should its gateway have died mid-call.
     */
    @Bean
    BudgetGuard budgetGuard(SpendCounters counters, BudgetStore store, Clock clock,
                            @Value("${gatehouse.budgets.reservation-hold:10m}") Duration hold) {
        return new BudgetGuard(counters, store::spentIn, BLOCKING, clock, hold);
    }

    @Bean
    BudgetAlerts budgetAlerts(BudgetStore store, AuditJournal auditJournal, Clock clock) {
        return new BudgetAlerts(store, auditJournal, BLOCKING, clock);
    }

    /**
     * Polls the outbox every {@code gatehouse.budgets.webhook-poll-interval} (1 s); a failed delivery
     * is retried after {@code webhook-retry-base} (5 s), doubling up to {@code webhook-retry-max} (1 h).
     * Webhook addresses obey the backends' network policy.
     */
    @Bean(destroyMethod = "close")
    AlertWebhookSender alertWebhookSender(BudgetStore store, BackendUrlPolicy urls, Clock clock,
                                          @Value("${gatehouse.budgets.webhook-poll-interval:1s}") Duration pollInterval,
                                          @Value("${gatehouse.budgets.webhook-retry-base:5s}") Duration retryBase,
                                          @Value("${gatehouse.budgets.webhook-retry-max:1h}") Duration retryMax) {
        return new AlertWebhookSender(store, urls::check, clock, pollInterval, retryBase, retryMax);
    }

    /** A call that names no output bound reserves its model's context window, or {@code gatehouse.budgets.default-max-output-tokens} (4096). */
    @Bean
    BudgetFilter budgetFilter(BudgetDirectory budgets, BudgetGuard guard, BudgetAlerts alerts,
                              @Value("${gatehouse.budgets.default-max-output-tokens:4096}") long defaultMaxOutputTokens) {
        return new BudgetFilter(budgets, guard, alerts, defaultMaxOutputTokens);
    }

    /**
     * In the application's registry (Prometheus on the management port in the standalone app), or
     * Micrometer's global one where there is none; at most {@code gatehouse.metrics.max-label-values}
     * (100) tenants, models and backends each get a label value of their own.
     */
    @Bean
    CallMetrics callMetrics(ObjectProvider<MeterRegistry> registry, @Value("${gatehouse.metrics.max-label-values:100}") int maxLabelValues) {
        return new CallMetrics(registry.getIfAvailable(() -> Metrics.globalRegistry), maxLabelValues);
    }

    @Bean
    MeteringFilter meteringFilter(AsyncBatchWriter<UsageRecord> usageWriter, TokenCounter tokenCounter, CallMetrics callMetrics) {
        return new MeteringFilter(usageWriter, tokenCounter, callMetrics);
    }

    /** Reads the tenant schema, so only after {@link #tenantDatabase} has migrated it. */
    @Bean
    @DependsOn("tenantDatabase")
    ComplianceProfiles complianceProfiles(DataSource dataSource) {
        return new ComplianceProfiles(dataSource);
    }

    /**
     * The classifier's GPU backends when {@code gatehouse.scanner.classifier-model} names the
     * catalog's {@code injection-classifier} model (decision 0761); the in-process model otherwise.
     */
    @Bean
    PromptScanner promptScanner(ObjectProvider<CatalogClassifierBackends> classifierBackends) {
        CatalogClassifierBackends backends = classifierBackends.getIfAvailable();
        return backends == null ? LayeredPromptScanner.withBundledModel() : LayeredPromptScanner.withClassifier(backends);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("!'${gatehouse.scanner.classifier-model:}'.isBlank()")
    CatalogClassifierBackends classifierBackends(CachedModelCatalog catalog, BackendSelector selector, BackendHttpClients clients,
                                                 ObjectProvider<MeterRegistry> registry,
                                                 @Value("${gatehouse.scanner.classifier-model}") String model,
                                                 @Value("${gatehouse.scanner.classifier-timeout:200ms}") Duration timeout,
                                                 @Value("${gatehouse.scanner.classifier-batch-windows:64}") int batchWindows,
                                                 @Value("${gatehouse.scanner.classifier-batch-wait:2ms}") Duration batchWait) {
        return new CatalogClassifierBackends(catalog, selector, clients, LayeredPromptScanner.bundledModel(),
                new CatalogClassifierBackends.Settings(model, timeout, batchWindows, batchWait),
                registry.getIfAvailable(() -> Metrics.globalRegistry));
    }

    /**
     * Sentence embeddings for the classifier are CPU-bound: at most one scan per core, off the event
     * loop, and a queue of a few dozen per core (a scan takes milliseconds), beyond which calls are
     * refused with 503 at once rather than kept waiting. With classifier backends a scan mostly
     * waits for the GPU server, so {@value #SCANS_WAITING_ON_GPUS_PER_CORE} scans a core wait at once
     * (when the backends fail, that many score in-process, slower but bounded; decision 0761).
     */
    @Bean(destroyMethod = "dispose")
    Scheduler promptScanThreads(ObjectProvider<CatalogClassifierBackends> classifierBackends) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = classifierBackends.getIfAvailable() == null ? cores : SCANS_WAITING_ON_GPUS_PER_CORE * cores;
        return WorkerPools.bounded("gatehouse-prompt-scan", threads, 64 * cores);
    }

    @Bean
    PromptInspectionFilter promptInspectionFilter(PromptScanner scanner, Scheduler promptScanThreads) {
        return new PromptInspectionFilter(scanner, promptScanThreads);
    }

    /**
     * In-process Wasm evaluation of the bundled policy by default; an OPA server (sidecar) when
     * {@code gatehouse.policy.opa-url} is set. Both answer the same decisions from the same Rego.
     */
    @Bean
    PolicyDecisionPoint policyDecisionPoint(@Value("${gatehouse.policy.opa-url:}") String opaUrl,
                                            @Value("${gatehouse.policy.timeout:250ms}") Duration timeout) {
        return opaUrl.isBlank() ? WasmPolicyDecisionPoint.bundled() : new RemotePolicyDecisionPoint(URI.create(opaUrl), timeout);
    }

    @Bean
    PersonalDataDetector personalDataDetector() {
        return new PersonalDataDetector();
    }

    /**
     * Where evaluations run (remembered decisions are answered on the caller's thread): in-process
     * Wasm on a bounded pool of one thread per Wasm instance, so an evaluation never waits for an
     * instance and an event loop never waits at all (Reactor Netty has more event loops than the
     * point has instances); a remote decision blocks a thread for up to the policy timeout, so a
     * bounded pool of its own rather than Reactor's shared one.
     */
    @Bean(destroyMethod = "dispose")
    Scheduler policyDecisionThreads(PolicyDecisionPoint decisionPoint) {
        int cores = Runtime.getRuntime().availableProcessors();
        return decisionPoint instanceof WasmPolicyDecisionPoint wasm
                ? WorkerPools.bounded("gatehouse-policy-wasm", wasm.instances(), 256 * wasm.instances())
                : WorkerPools.bounded("gatehouse-policy", 16 * cores, 256 * cores);
    }

    /** Static: a bean post-processor is made before the beans it processes, without this configuration's other beans. */
    @Bean
    static StepTracing stepTracing(ObjectProvider<Tracer> tracers) {
        return new StepTracing(tracers);
    }

    @Bean
    CallPolicy callPolicy(PolicyDecisionPoint decisionPoint, Scheduler policyDecisionThreads, CachedModelCatalog catalog,
                          PersonalDataDetector personalData) {
        return new CallPolicy(decisionPoint, policyDecisionThreads, catalog, personalData);
    }

    @Bean
    PolicyDecisionFilter policyDecisionFilter(CallPolicy callPolicy, PolicyDecisionPoint decisionPoint) {
        return new PolicyDecisionFilter(callPolicy, decisionPoint.getClass().getSimpleName());
    }

    @Bean
    ResponseInspectionFilter responseInspectionFilter(PersonalDataDetector personalData) {
        return new ResponseInspectionFilter(personalData);
    }

    @Bean
    PseudonymRestorationFilter pseudonymRestorationFilter() {
        return new PseudonymRestorationFilter();
    }

    @Bean
    FallbackModels fallbackModels(CachedModelCatalog catalog, CallPolicy callPolicy, Clock clock) {
        return new FallbackModels(catalog, callPolicy, clock);
    }

    @Bean
    BackendRoutingFilter backendRoutingFilter(BackendSelector selector, CapacityQueue capacityQueue, FallbackModels fallbackModels,
                                              RoutingProperties routing) {
        return new BackendRoutingFilter(selector, capacityQueue, fallbackModels, routing);
    }

    @Bean
    ResponsesTranslationFilter responsesTranslationFilter(StoredResponses storedResponses) {
        return new ResponsesTranslationFilter(storedResponses, Schedulers.boundedElastic());
    }

    @Bean
    AnswerStepsFilter answerStepsFilter() {
        return new AnswerStepsFilter();
    }

    @Bean
    BackendResponseFilter backendResponseFilter() {
        return new BackendResponseFilter();
    }

    /** Derived from Spring Cloud Gateway's client, so its pool and customizers (the address guard) apply to every backend. */
    @Bean
    BackendHttpClients backendHttpClients(HttpClient gatewayHttpClient) {
        return new BackendHttpClients(gatewayHttpClient);
    }

    @Bean
    BackendCallFilter backendCallFilter(HttpClient gatewayHttpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
                                        HttpClientProperties properties, BackendHttpClients backendHttpClients) {
        return new BackendCallFilter(gatewayHttpClient, headersFilters, properties, backendHttpClients);
    }

    /** Not in a control-plane process, which serves no model calls. */
    @Bean
    @OnPlane(Plane.DATA)
    RouteLocator openAiRoutes(RouteLocatorBuilder routes, CachedModelCatalog catalog, Clock clock, StoredResponses storedResponses) {
        ModelListingFilter modelListing = new ModelListingFilter(catalog, clock);
        StoredResponsesFilter storedResponsesAnswers = new StoredResponsesFilter(storedResponses, Schedulers.boundedElastic());
        return routes.routes()
                .route("models", route -> route.path(Endpoint.MODELS.path(), Endpoint.MODELS.path() + "/**")
                        .filters(filters -> filters.filter(modelListing)).uri(UNROUTED))
                .route("chat-completions", route -> route.path(Endpoint.CHAT_COMPLETIONS.path()).uri(UNROUTED))
                .route("completions", route -> route.path(Endpoint.COMPLETIONS.path()).uri(UNROUTED))
                .route("responses", route -> route.path(Endpoint.RESPONSES.path()).uri(UNROUTED))
                .route("stored-responses", route -> route.path(Endpoint.RESPONSES.path() + "/**")
                        .filters(filters -> filters.filter(storedResponsesAnswers)).uri(UNROUTED))
                .route("embeddings", route -> route.path(Endpoint.EMBEDDINGS.path()).uri(UNROUTED))
                .route("rerank", route -> route.path(Endpoint.RERANK.path()).uri(UNROUTED))
                .build();
    }

    @Bean
    NettyServerCustomizer httpEdge() {
        return HttpEdge::install;
    }

    /** Every exchange of this server, the admin APIs' included, gets its request id first. */
    @Bean
    RequestIdFilter requestIdFilter() {
        return new RequestIdFilter();
    }

    /** Ahead of Boot's own handler (order -1), so that every error is problem+json. */
    @Bean
    @Order(-2)
    ProblemExceptionHandler problemExceptionHandler() {
        return new ProblemExceptionHandler(RequestIdFilter::requestIdOf);
    }
}
