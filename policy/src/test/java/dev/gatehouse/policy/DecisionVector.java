package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code decision-vectors.json}: an input and the decision the policy must reach. The
 * same file drives {@code opa test} (src/test/rego) and both decision points' tests.
 */
record DecisionVector(String name, PolicyInput input, JsonNode expected) {

    static List<DecisionVector> all() {
        try (InputStream in = DecisionVector.class.getResourceAsStream("decision-vectors.json")) {
            List<DecisionVector> vectors = new ArrayList<>();
            for (JsonNode vector : DecisionCodec.MAPPER.readTree(in).get("decision_vectors")) {
                vectors.add(new DecisionVector(vector.get("name").asText(),
                        DecisionCodec.MAPPER.treeToValue(vector.get("input"), PolicyInput.class),
                        vector.get("expected")));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decision as the policy states it: without the revision and digest the decision point adds. */
    static JsonNode policyPart(PolicyDecision decision) {
        ObjectNode json = DecisionCodec.MAPPER.valueToTree(decision);
        json.remove(List.of("revision", "input_digest"));
        return json;
    }

    @Override
    public String toString() {
        return name;
    }
}
