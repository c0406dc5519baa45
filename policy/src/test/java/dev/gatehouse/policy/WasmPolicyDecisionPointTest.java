package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WasmPolicyDecisionPointTest extends PolicyDecisionPointContract {

    private static WasmPolicyDecisionPoint wasm;

    @BeforeAll
    static void loadBundledPolicy() {
        wasm = WasmPolicyDecisionPoint.bundled(2);
    }

    @Override
    PolicyDecisionPoint decisionPoint() {
        return wasm;
    }

    @Test
    void oneInstanceKeepsItsReferenceDataAcrossManyDecisions() {
        WasmPolicyDecisionPoint single = WasmPolicyDecisionPoint.bundled(1);
        List<DecisionVector> vectors = vectors();

        for (int round = 0; round < 5; round++) {
            for (DecisionVector vector : vectors) {
                assertThat(DecisionVector.policyPart(single.decide(vector.input()))).as(vector.name()).isEqualTo(vector.expected());
            }
        }
    }

    @Test
    void concurrentCallersGetTheSameDecisionsAsSequentialOnes() throws Exception {
        List<DecisionVector> vectors = vectors();
        List<PolicyDecision> sequential = vectors.stream().map(vector -> wasm.decide(vector.input())).toList();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<PolicyDecision>>> concurrent = IntStream.range(0, 8)
                    .mapToObj(caller -> callers.submit(() -> vectors.stream().map(vector -> wasm.decide(vector.input())).toList()))
                    .toList();
            for (Future<List<PolicyDecision>> decisions : concurrent) {
                assertThat(decisions.get()).isEqualTo(sequential);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aRememberedDecisionIsTheOneEvaluationGives() {
        WasmPolicyDecisionPoint remembering = WasmPolicyDecisionPoint.bundled(1, 8);
        for (int round = 0; round < 3; round++) {
            for (DecisionVector vector : vectors()) {
                assertThat(remembering.decide(vector.input())).as(vector.name()).isEqualTo(wasm.decide(vector.input()));
            }
        }
    }

    @Test
    void aChangedTenantSettingIsDecidedAfreshNotRemembered() {
        WasmPolicyDecisionPoint remembering = WasmPolicyDecisionPoint.bundled(1, 64);
        DecisionVector allowed = vectors().stream().filter(vector -> vector.input().model().regions().size() == 1
                && remembering.decide(vector.input()).allow()).findFirst().orElseThrow();
        PolicyInput input = allowed.input();
        TenantFacts tenant = input.tenant();
        TenantFacts withoutThatRegion = new TenantFacts(tenant.id(), Set.of("nowhere-1"), tenant.allowedPurposes(),
                tenant.defaultPurpose(), tenant.transferBases(), tenant.specialCategoryBases(), tenant.transferChoice(),
                tenant.contentLogging(), tenant.retentionDays());
        PolicyDecision afterChange = remembering.decide(new PolicyInput(withoutThatRegion, input.principal(), input.model(), input.request()));
        assertThat(afterChange.allow()).isFalse();
        assertThat(remembering.decide(input).allow()).isTrue();
    }

    @Test
    void knowsADecisionWithoutEvaluatingOnlyOnceItWasDecided() {
        WasmPolicyDecisionPoint remembering = WasmPolicyDecisionPoint.bundled(1, 64);
        PolicyInput input = vectors().get(0).input();

        assertThat(remembering.known(input)).isEmpty();
        PolicyDecision decided = remembering.decide(input);
        assertThat(remembering.known(input)).contains(decided);
    }

    @Test
    void aPointThatRemembersNothingKnowsNoDecisionAhead() {
        PolicyInput input = vectors().get(0).input();
        wasm.decide(input);

        assertThat(wasm.known(input)).isEmpty();
    }

    @Test
    void namesAsManyConcurrentEvaluationsAsItHasInstances() {
        assertThat(wasm.instances()).isEqualTo(2);
    }

    @Test
    void refusesAPoolWithoutInstances() {
        assertThatThrownBy(() -> WasmPolicyDecisionPoint.bundled(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
