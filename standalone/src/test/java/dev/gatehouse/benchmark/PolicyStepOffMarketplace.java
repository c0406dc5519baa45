package dev.gatehouse.benchmark;

import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.gateway.policy.CallPolicy;
import dev.gatehouse.policy.ModelFacts;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.policy.PolicyDecisionPoint;
import dev.gatehouse.policy.PolicyInput;
import dev.gatehouse.policy.PolicyObligations;
import dev.gatehouse.policy.RequestFacts;
import dev.gatehouse.policy.TenantFacts;
import dev.gatehouse.scanner.PersonalDataDetector;
import dev.gatehouse.standalone.GatehouseApplication;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import reactor.core.scheduler.Schedulers;

/**
 * Benchmark only, never shipped: the marketplace with its policy step doing no policy work, to
 * measure what the step costs (docs/benchmarks.md). The gateway itself has no way to skip the
 * policy; this launcher swaps the decision point bean, in test sources, and nothing else.
 *
 * <p>Lives outside {@code dev.gatehouse.standalone} so that the application's component scan
 * never picks it up in the other tests.
 */
public final class PolicyStepOffMarketplace {

    private PolicyStepOffMarketplace() {
    }

    /** Same arguments as {@code ./gatehouse}. */
    public static void main(String[] args) {
        new SpringApplicationBuilder(GatehouseApplication.class, PolicyStepOff.class)
                .properties("spring.main.allow-bean-definition-overriding=true")
                .run(args);
    }

    /**
     * Replaces the gateway's beans of the same names. Not a {@code @Configuration}: it takes effect
     * only where it is passed as a source. The call policy runs decisions on the calling thread, as the
     * gateway does for the in-process Wasm point, so that both runs differ only in the decision.
     */
    static final class PolicyStepOff {

        @Bean
        PolicyDecisionPoint policyDecisionPoint() {
            return new AllowEverything();
        }

        @Bean
        CallPolicy callPolicy(PolicyDecisionPoint decisionPoint, CachedModelCatalog catalog, PersonalDataDetector personalData) {
            return new CallPolicy(decisionPoint, Schedulers.immediate(), catalog, personalData);
        }
    }

    /**
     * Allows every call with the obligations the standard policy gives a call without personal
     * data (route to the model's regions the tenant allows, no redaction, the tenant's content
     * logging), so routing, logging and audit downstream do the same work as with the policy on.
     */
    static final class AllowEverything implements PolicyDecisionPoint {

        private static final String NO_POLICY = "policy-step-off";

        @Override
        public PolicyDecision decide(PolicyInput input) {
            TenantFacts tenant = input.tenant();
            boolean logContent = tenant.contentLogging() && tenant.retentionDays() > 0 && input.request().specialCategories().isEmpty();
            PolicyObligations obligations = new PolicyObligations(regionsTheTenantAllows(tenant, input.model()), Set.of(),
                    logContent, logContent ? tenant.retentionDays() : 0);
            return new PolicyDecision(true, List.of(), purpose(input.request(), tenant), obligations, NO_POLICY, NO_POLICY);
        }

        private static Set<String> regionsTheTenantAllows(TenantFacts tenant, ModelFacts model) {
            Set<String> regions = new TreeSet<>(model.regions());
            regions.retainAll(tenant.residencyRegions());
            return regions;
        }

        private static String purpose(RequestFacts request, TenantFacts tenant) {
            if (request.purpose() != null && !request.purpose().isEmpty()) {
                return request.purpose();
            }
            return tenant.defaultPurpose() == null ? "" : tenant.defaultPurpose();
        }
    }
}
