package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every decision point must do; each implementation's test supplies an instance. */
abstract class PolicyDecisionPointContract {

    abstract PolicyDecisionPoint decisionPoint();

    static List<DecisionVector> vectors() {
        return DecisionVector.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decidesEveryVectorAsSpecified(DecisionVector vector) {
        PolicyDecision decision = decisionPoint().decide(vector.input());

        assertThat(DecisionVector.policyPart(decision)).isEqualTo(vector.expected());
    }

    @Test
    void recordsTheDigestOfTheInputDecidedOn() {
        PolicyInput input = vectors().get(0).input();

        assertThat(decisionPoint().decide(input).inputDigest()).isEqualTo(input.digest()).hasSize(64);
    }

    @Test
    void recordsTheRevisionOfTheRegoSources() {
        PolicyDecision decision = decisionPoint().decide(vectors().get(0).input());

        assertThat(decision.revision()).isEqualTo(PolicyBuild.revisionOfRegoSources()).matches("[0-9a-f]{64}");
    }

    @Test
    void vectorsCoverEveryReasonCode() {
        List<String> codes = vectors().stream()
                .flatMap(vector -> vector.expected().get("reasons").findValuesAsText("code").stream())
                .distinct().toList();

        assertThat(vectors()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(codes).containsExactlyInAnyOrder(
                "RESIDENCY_NO_ALLOWED_REGION", "TRANSFER_NO_LEGAL_BASIS", "PURPOSE_MISSING", "PURPOSE_NOT_ALLOWED",
                "SPECIAL_CATEGORY_UNKNOWN", "SPECIAL_CATEGORY_NO_BASIS", "SPECIAL_CATEGORY_MODEL_NOT_CERTIFIED",
                "MODEL_NOT_SUBSCRIBED", "CONTENT_RETENTION_INVALID");
    }
}
