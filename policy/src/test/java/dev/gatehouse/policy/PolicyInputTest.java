package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyInputTest {

    private static PolicyInput input(Set<String> residencyRegions, Set<String> piiTypes) {
        return new PolicyInput(
                new TenantFacts("acme", residencyRegions, Set.of("support"), "support",
                        Map.of("us-east", "scc"), Map.of(), TransferChoice.REDACT, true, 30),
                new PrincipalFacts("key-1", "api_key"),
                new ModelFacts("m", Set.of("eu-west"), Set.of(), true),
                new RequestFacts(null, piiTypes, Set.of(), "eu-west"));
    }

    @Test
    void canonicalJsonSortsKeysAndSetMembers() {
        String json = DecisionCodec.encode(input(Set.of("eu-west", "eu-central"), Set.of("phone", "email"))).json();

        assertThat(json).isEqualTo("{\"model\":{\"certified_special_categories\":[],\"id\":\"m\",\"regions\":[\"eu-west\"],\"subscribed\":true},"
                + "\"principal\":{\"id\":\"key-1\",\"kind\":\"api_key\"},"
                + "\"request\":{\"client_region\":\"eu-west\",\"pii_types\":[\"email\",\"phone\"],\"purpose\":null,\"special_categories\":[]},"
                + "\"tenant\":{\"allowed_purposes\":[\"support\"],\"content_logging\":true,\"default_purpose\":\"support\",\"id\":\"acme\","
                + "\"residency_regions\":[\"eu-central\",\"eu-west\"],\"retention_days\":30,\"special_category_bases\":{},"
                + "\"transfer_bases\":{\"us-east\":\"scc\"},\"transfer_choice\":\"redact\"}}");
    }

    @Test
    void digestIsTheSha256OfTheCanonicalJson() {
        PolicyInput input = input(Set.of("eu-west"), Set.of("email"));

        assertThat(input.digest())
                .isEqualTo(DecisionCodec.encode(input).digest())
                .matches("[0-9a-f]{64}");
    }

    @Test
    void digestDoesNotDependOnTheOrderOfSetMembers() {
        PolicyInput one = input(Set.of("eu-west", "eu-central"), Set.of("email", "phone"));
        PolicyInput other = input(new LinkedHashSet<>(List.of("eu-central", "eu-west")), Set.of("phone", "email"));

        assertThat(one.digest()).isEqualTo(other.digest());
    }

    @Test
    void digestChangesWithAnyFact() {
        assertThat(input(Set.of("eu-west"), Set.of("email")).digest())
                .isNotEqualTo(input(Set.of("eu-west"), Set.of("email", "iban")).digest());
    }

    @Test
    void inputAndDecisionRoundTripThroughAPlainObjectMapper() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        PolicyInput input = input(Set.of("eu-west"), Set.of("email"));
        PolicyDecision decision = WasmPolicyDecisionPoint.bundled(1).decide(input);

        assertThat(plain.readValue(plain.writeValueAsString(input), PolicyInput.class)).isEqualTo(input);
        assertThat(plain.readValue(plain.writeValueAsString(decision), PolicyDecision.class)).isEqualTo(decision);
    }
}
