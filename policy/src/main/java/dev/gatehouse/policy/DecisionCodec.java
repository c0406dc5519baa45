package dev.gatehouse.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The JSON both decision points exchange with the policy: canonical input out, decision back. */
final class DecisionCodec {

    /** The policy document that holds the decision: Wasm entrypoint and OPA Data API path alike. */
    static final String DECISION_PATH = "gatehouse/decision";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /** Reads the policy's answer strictly: a missing or null member makes the decision invalid. */
    private static final ObjectReader DECISION_READER = MAPPER.readerFor(Evaluation.class).with(
            DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
            DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
            DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The input as the policy receives it, and the digest the audit record keeps. */
    record EncodedInput(String json, String digest) {
    }

    /** The decision document exactly as the Rego policy produces it. */
    private record Evaluation(boolean allow, List<PolicyReason> reasons, String purpose, PolicyObligations obligations) {
    }

    private DecisionCodec() {
    }

    /** Canonical JSON: object keys sorted, sets as sorted arrays, no insignificant whitespace, UTF-8. */
    static EncodedInput encode(PolicyInput input) {
        try {
            String json = MAPPER.writeValueAsString(input);
            return new EncodedInput(json, sha256Hex(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("policy input cannot be written as JSON", e);
        }
    }

    static PolicyDecision decode(JsonNode result, String revision, String inputDigest) {
        if (result == null || !result.isObject()) {
            throw new PolicyUnavailableException(PolicyUnavailableException.Code.POLICY_RESULT_INVALID,
                    "the policy defines no decision document at " + DECISION_PATH);
        }
        try {
            Evaluation evaluation = DECISION_READER.readValue(result);
            return new PolicyDecision(evaluation.allow(), evaluation.reasons(), evaluation.purpose(),
                    evaluation.obligations(), revision, inputDigest);
        } catch (IOException | IllegalArgumentException e) {
            throw new PolicyUnavailableException(PolicyUnavailableException.Code.POLICY_RESULT_INVALID,
                    "the policy's decision document is malformed", e);
        }
    }

    private static String sha256Hex(String json) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
