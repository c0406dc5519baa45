package dev.gatehouse.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.gateway.answer.AnswerStep;
import dev.gatehouse.gateway.inspection.PromptInspection;
import dev.gatehouse.gateway.metering.CallCost;
import dev.gatehouse.gateway.metering.TokenUsage;
import dev.gatehouse.gateway.routing.BackendAttempt;
import dev.gatehouse.gateway.routing.BackendLease;
import dev.gatehouse.gateway.routing.SkippedFallback;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.scanner.Pseudonymizer;
import dev.gatehouse.scanner.ResponseVerdict;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import org.springframework.web.server.ServerWebExchange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pipeline has learnt about one call, filled in step by step and read by the steps
 * after. One object per exchange, so a step's inputs are visible in one place.
 */
public final class CallContext {

    private static final String ATTRIBUTE = CallContext.class.getName();

    private final String callId;
    private final String requestId;
    private final Endpoint endpoint;
    private final Instant receivedAt;
    private final long receivedNanos;
    private ObjectNode body;
    private ApiKeyPrincipal principal;
    private Tenant tenant;
    private ComplianceProfile complianceProfile;
    private CatalogModel model;
    private CatalogModel requestedModel;
    private final List<SkippedFallback> skippedFallbacks = new ArrayList<>();
    private ModelBackend backend;
    private final List<BackendAttempt> backendAttempts = new ArrayList<>();
    private BackendLease backendLease;
    private boolean streamed;
    private int promptTokens;
    // metering books them on whichever thread ends the answer (a caller's cancel, the backend's last
    // piece), and the budget settles from another
    private volatile TokenUsage usage;
    private volatile CallCost cost;
    private PromptInspection inspection;
    private PolicyDecision decision;
    private byte[] completion;
    private ResponseVerdict responseVerdict;
    private Pseudonymizer pseudonyms;
    private String traceId;
    private boolean responsesPassedThrough;
    private final List<AnswerStep> answerSteps = new ArrayList<>();

    /**
     * @param callId the gateway's own id of this call, unique, which keys what is recorded of it
     * @param requestId the caller's {@code X-Request-Id} (or one made for it): echoed, not unique
     */
    public CallContext(String callId, String requestId, Endpoint endpoint, Instant receivedAt, long receivedNanos) {
        this.callId = callId;
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.receivedAt = receivedAt;
        this.receivedNanos = receivedNanos;
    }

    public static CallContext of(ServerWebExchange exchange) {
        CallContext context = exchange.getAttribute(ATTRIBUTE);
        if (context == null) {
            throw new IllegalStateException("RequestIdentity did not run before this step");
        }
        return context;
    }

    public static CallContext find(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    public void attachTo(ServerWebExchange exchange) {
        exchange.getAttributes().put(ATTRIBUTE, this);
    }

    public String callId() {
        return callId;
    }

    public String requestId() {
        return requestId;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    /** The parsed JSON request body, for endpoints that take one; later steps may amend it. */
    public ObjectNode body() {
        return body;
    }

    public void body(ObjectNode body) {
        this.body = body;
    }

    public ApiKeyPrincipal principal() {
        return principal;
    }

    public void principal(ApiKeyPrincipal principal) {
        this.principal = principal;
    }

    public Tenant tenant() {
        return tenant;
    }

    public void tenant(Tenant tenant) {
        this.tenant = tenant;
    }

    /**
     * The tenant's compliance profile as it was when the call arrived, looked up once with the
     * tenant: every step of one call reads the same profile, even if a refresh swaps it meanwhile.
     */
    public ComplianceProfile complianceProfile() {
        if (complianceProfile == null) {
            throw new IllegalStateException("TenantContext did not run before this step");
        }
        return complianceProfile;
    }

    public void complianceProfile(ComplianceProfile complianceProfile) {
        this.complianceProfile = complianceProfile;
    }

    /** The model that serves the call: the one requested, or a fallback of it once routing chose one. */
    public CatalogModel model() {
        return model;
    }

    public void model(CatalogModel model) {
        this.model = model;
    }

    /** The model the caller named. */
    public CatalogModel requestedModel() {
        return requestedModel == null ? model : requestedModel;
    }

    /** Serves the call with {@code serving} (a fallback, or the requested model again) under the policy's decision for it. */
    public void serveWith(CatalogModel serving, PolicyDecision decisionForIt) {
        if (requestedModel == null) {
            requestedModel = model;
        }
        this.model = serving;
        this.decision = decisionForIt;
    }

    /** Whether a fallback serves the call instead of the model the caller named. */
    public boolean servedByFallback() {
        return requestedModel != null && !requestedModel.id().equals(model.id());
    }

    /** The fallbacks of the requested model that routing judged unable to take the call, in order. */
    public List<SkippedFallback> skippedFallbacks() {
        return List.copyOf(skippedFallbacks);
    }

    public void skippedFallback(SkippedFallback skipped) {
        skippedFallbacks.add(skipped);
    }

    public ModelBackend backend() {
        return backend;
    }

    public void backend(ModelBackend backend) {
        this.backend = backend;
    }

    /** Every backend the call was sent to, in order; the last one answered, unless the call failed. */
    public List<BackendAttempt> backendAttempts() {
        return List.copyOf(backendAttempts);
    }

    public void backendAttempt(BackendAttempt attempt) {
        backendAttempts.add(attempt);
    }

    /** The slot of the backend whose answer is streaming to the caller; ended when the answer ends. Null otherwise. */
    public BackendLease backendLease() {
        return backendLease;
    }

    public void backendLease(BackendLease lease) {
        this.backendLease = lease;
    }

    public boolean streamed() {
        return streamed;
    }

    public void streamed(boolean streamed) {
        this.streamed = streamed;
    }

    /** The prompt's tokens as the gateway counted them before the call, for the limits' and budget's estimates. */
    public int promptTokens() {
        return promptTokens;
    }

    public void promptTokens(int promptTokens) {
        this.promptTokens = promptTokens;
    }

    public TokenUsage usage() {
        return usage;
    }

    public void usage(TokenUsage usage) {
        this.usage = usage;
    }

    /** What the call cost at the price in force when it was received (metering computes it once); null before metering. */
    public CallCost cost() {
        return cost;
    }

    public void cost(CallCost cost) {
        this.cost = cost;
    }

    /** What the prompt scanner found; null for calls without a prompt or before the step. */
    public PromptInspection inspection() {
        return inspection;
    }

    public void inspection(PromptInspection inspection) {
        this.inspection = inspection;
    }

    /** The compliance decision the call proceeds under; null before the policy step. */
    public PolicyDecision decision() {
        return decision;
    }

    public void decision(PolicyDecision decision) {
        this.decision = decision;
    }

    /**
     * What the model answered, as it reached the caller: the JSON of a plain response, the
     * assembled text of a stream. In memory only, for content logging; null before the answer.
     */
    public byte[] completion() {
        return completion;
    }

    public void completion(byte[] completion) {
        this.completion = completion;
    }

    /** What scanning the model's answer found, for tenants who scan responses; null otherwise. */
    public ResponseVerdict responseVerdict() {
        return responseVerdict;
    }

    public void responseVerdict(ResponseVerdict responseVerdict) {
        this.responseVerdict = responseVerdict;
    }

    /** The placeholders the prompt's personal data was replaced by, when the answer must be restored; else null. */
    public Pseudonymizer pseudonyms() {
        return pseudonyms;
    }

    public void pseudonyms(Pseudonymizer pseudonyms) {
        this.pseudonyms = pseudonyms;
    }

    /**
     * Whether a Responses API call goes to backends that serve that API themselves, as it is, rather
     * than translated to a chat completion (decision 0820); the body is then the Responses request.
     */
    public boolean responsesPassedThrough() {
        return responsesPassedThrough;
    }

    public void responsesPassedThrough(boolean passedThrough) {
        this.responsesPassedThrough = passedThrough;
    }

    /** The path below a backend's base URL this call is sent to. */
    public String backendPath() {
        return responsesPassedThrough ? Endpoint.RESPONSES_BACKEND_PATH : endpoint.backendPath();
    }

    /** The W3C trace id of the call when it is traced (continued from the caller's {@code traceparent} or begun here), else null. */
    public String traceId() {
        return traceId;
    }

    public void traceId(String traceId) {
        this.traceId = traceId;
    }

    /** The steps' work on the answer, in the order the steps added it (the answer passes them the other way round). */
    public List<AnswerStep> answerSteps() {
        return answerSteps;
    }

    public void addAnswerStep(AnswerStep step) {
        answerSteps.add(step);
    }
}
