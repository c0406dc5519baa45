package dev.gatehouse.gateway.policy;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.WorkerPools;
import dev.gatehouse.gateway.inspection.ComplianceVocabulary;
import dev.gatehouse.gateway.inspection.PromptInspection;
import dev.gatehouse.gateway.inspection.PromptMessages;
import dev.gatehouse.policy.ModelFacts;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.policy.PolicyDecisionPoint;
import dev.gatehouse.policy.PolicyInput;
import dev.gatehouse.policy.PolicyReason;
import dev.gatehouse.policy.PolicyUnavailableException;
import dev.gatehouse.policy.PrincipalFacts;
import dev.gatehouse.policy.RequestFacts;
import dev.gatehouse.policy.TenantFacts;
import dev.gatehouse.policy.TransferChoice;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.scanner.PersonalDataDetector;
import dev.gatehouse.scanner.PiiType;
import dev.gatehouse.scanner.Pseudonymizer;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Asks the policy decision point whether this call may go to a model, and carries out the
 * obligations that change the prompt. The policy step asks it for the requested model; routing
 * asks it again for each fallback model, so a fallback is held to the same rules (its regions, its
 * certifications, the caller's subscription to it) as the model the caller named.
 */
public final class CallPolicy {

    public static final String PURPOSE_HEADER = "X-Gatehouse-Purpose";
    private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final PolicyDecisionPoint decisionPoint;
    private final Scheduler decisionThreads;
    private final ModelCatalog catalog;
    private final PersonalDataDetector personalData;

    /**
     * @param decisionThreads where evaluations run (a decision the point knows at once is answered
     *                        on the caller's thread): a bounded pool, one thread per Wasm instance
     *                        for the in-process point, blocking-capable for the remote one
     */
    public CallPolicy(PolicyDecisionPoint decisionPoint, Scheduler decisionThreads, ModelCatalog catalog,
                      PersonalDataDetector personalData) {
        this.decisionPoint = decisionPoint;
        this.decisionThreads = decisionThreads;
        this.catalog = catalog;
        this.personalData = personalData;
    }

    /**
     * The decision for sending this call to {@code model}, for the purpose the caller declared in
     * {@value #PURPOSE_HEADER} (null: the tenant's default). A decision point that cannot decide is
     * a 503 {@code policy_unavailable}: the call is refused rather than let through unchecked.
     */
    public Mono<PolicyDecision> decide(CallContext context, CatalogModel model, String purposeHeader) {
        PolicyInput input = inputOf(context, model, declaredPurpose(purposeHeader));
        return Mono.fromCallable(() -> decisionPoint.known(input).orElse(null))
                .switchIfEmpty(WorkerPools.on(decisionThreads, Mono.fromCallable(() -> decisionPoint.decide(input)), "policy decisions"))
                .onErrorMap(PolicyUnavailableException.class, error -> new ApiProblem(ProblemType.POLICY_UNAVAILABLE,
                        "The compliance policy could not be evaluated (" + error.code().name().toLowerCase(Locale.ROOT)
                                + "); the call was refused rather than let through unchecked."));
    }

    /**
     * Redaction, or pseudonymisation that the answer's restoration step will undo for the caller;
     * the rewritten prompt is scanned again as the scanner reads it, and a call whose personal
     * data is still there is refused rather than sent. Run once per call at most: a rewritten prompt
     * has nothing left to replace.
     */
    public void redact(CallContext context) {
        Pseudonymizer pseudonyms = new Pseudonymizer(personalData);
        Set<PiiType> remaining = EnumSet.noneOf(PiiType.class);
        PromptMessages.rewrite(context.endpoint(), context.body(), text -> {
            String rewritten = pseudonyms.pseudonymize(text);
            // a text in which nothing was found is left as it was, and would be found clean again
            if (!rewritten.equals(text)) {
                remaining.addAll(pseudonyms.personalDataIn(rewritten));
            }
            return rewritten;
        });
        if (PromptMessages.joinsTexts(context.endpoint(), context.body())) {
            // a definition is scanned as its texts joined: what only the joining shows cannot be replaced in any one of them
            PromptMessages.extract(context.endpoint(), context.body()).forEach(message -> remaining.addAll(pseudonyms.personalDataIn(message.content())));
        }
        if (!remaining.isEmpty()) {
            List<String> kinds = remaining.stream().map(ComplianceVocabulary::policyName).sorted().toList();
            throw new ApiProblem(ProblemType.PERSONAL_DATA_UNREDACTABLE, "The prompt still holds personal data (" + String.join(", ", kinds)
                    + ") after redaction, in a form that cannot be replaced; it was not sent to the model.").with("pii", kinds);
        }
        if (context.complianceProfile().pseudonymisesTransfers()) {
            context.pseudonyms(pseudonyms);
        }
    }

    /** The 403 for a refused call, with the policy's reasons and the revision that decided. */
    public static ApiProblem refusal(PolicyDecision decision) {
        String codes = String.join(", ", decision.reasons().stream().map(PolicyReason::code).toList());
        return new ApiProblem(ProblemType.POLICY_DENIED, "The compliance policy refused this call: " + codes + ".")
                .with("reasons", reasons(decision))
                .with("policy_revision", decision.revision());
    }

    /** The decision's reasons as the problem and the audit record show them: code and detail. */
    public static List<Map<String, String>> reasons(PolicyDecision decision) {
        return decision.reasons().stream().map(reason -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("code", reason.code());
            entry.put("detail", reason.detail());
            return entry;
        }).toList();
    }

    private PolicyInput inputOf(CallContext context, CatalogModel model, String purpose) {
        Tenant tenant = context.tenant();
        ComplianceProfile profile = context.complianceProfile();
        ApiKeyPrincipal principal = context.principal();
        PromptInspection inspection = context.inspection();
        return new PolicyInput(
                new TenantFacts(tenant.id().toString(), tenant.settings().residencyRegions(), tenant.settings().allowedPurposes(),
                        profile.defaultPurpose(), profile.transferBases(), profile.specialCategoryBases(),
                        profile.transferChoice().equals("refuse") ? TransferChoice.REFUSE : TransferChoice.REDACT,
                        tenant.settings().contentLogging(), tenant.settings().retentionDays()),
                new PrincipalFacts(principal.keyId(), principal.viaIdentityProvider() ? "jwt" : "api_key"),
                new ModelFacts(model.id(), model.regions(), model.certifiedSpecialCategories(), catalog.isEntitled(tenant.id(), model)),
                new RequestFacts(purpose, inspection == null ? Set.of() : inspection.piiTypes(),
                        inspection == null ? Set.of() : inspection.specialCategories(), null));
    }

    private static String declaredPurpose(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String purpose = header.strip();
        if (!PURPOSE.matcher(purpose).matches()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST,
                    PURPOSE_HEADER + " must be a lowercase purpose code such as customer_support.", PURPOSE_HEADER);
        }
        return purpose;
    }
}
