package dev.gatehouse.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.styra.opa.wasm.OpaPolicy;
import dev.gatehouse.policy.DecisionCodec.EncodedInput;
import dev.gatehouse.policy.PolicyUnavailableException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Evaluates the Rego policy compiled to WebAssembly, in-process (Chicory, no native code). The
 * policy bundled in this jar was built from {@code src/main/rego} by {@code scripts/build-policy.sh}.
 *
 * <p>Thread-safe. A Wasm instance evaluates one input at a time, so this keeps a fixed pool of
 * instances, each with the reference data loaded once; a caller borrows one for the duration of an
 * evaluation. Size the pool to the number of threads that decide concurrently (for a WebFlux
 * gateway, the bounded pool it evaluates on, {@link #instances()} threads, so that no evaluation
 * waits for an instance); further callers wait for a free instance.
 *
 * <p>A decision is a pure function of the input and this bundle (every tenant, model and request
 * fact travels in the input; the bundle's reference data is fixed), so the decision point can
 * remember the decisions of recent inputs, keyed by their canonical JSON: a remembered decision is
 * exactly the one evaluation would give, and a change of tenant settings is a different input.
 * Remembered decisions are a bounded Caffeine cache, read without a lock ({@link #known}), so
 * the gateway answers them on the calling thread and sends only evaluations to its pool.
 */
public final class WasmPolicyDecisionPoint implements PolicyDecisionPoint {

    private static final String BUNDLE = "/dev/gatehouse/policy/wasm/";
    private static final long BORROW_TIMEOUT_MILLIS = 1_000;
    /** About 1.5 KiB each (input JSON and decision): a few MiB for the gateway's working set. */
    public static final int DEFAULT_REMEMBERED_DECISIONS = 4_096;

    private final byte[] wasm;
    private final String data;
    private final String revision;
    private final int instances;
    private final BlockingQueue<OpaPolicy> idle;
    private final Cache<String, PolicyDecision> remembered;

    private WasmPolicyDecisionPoint(byte[] wasm, String data, String revision, int instances, int rememberedDecisions) {
        this.wasm = wasm;
        this.data = data;
        this.revision = revision;
        this.instances = instances;
        this.remembered = rememberedDecisions == 0 ? null : Caffeine.newBuilder().maximumSize(rememberedDecisions).build();
        this.idle = new ArrayBlockingQueue<>(instances);
        for (int i = 0; i < instances; i++) {
            idle.add(newInstance());
        }
    }

    /**
     * The policy bundled in this jar, with one instance per available processor, remembering the
     * decisions of the {@value #DEFAULT_REMEMBERED_DECISIONS} most recent inputs.
     */
    public static WasmPolicyDecisionPoint bundled() {
        return bundled(Runtime.getRuntime().availableProcessors(), DEFAULT_REMEMBERED_DECISIONS);
    }

    /** The policy bundled in this jar, evaluating every input (no remembered decisions). */
    public static WasmPolicyDecisionPoint bundled(int instances) {
        return bundled(instances, 0);
    }

    /**
     * The policy bundled in this jar, with {@code instances} Wasm instances created now, so a broken
     * bundle fails at start-up, not on a call. Each instance compiles the Wasm to JVM bytecode
     * (0.5 to 1 s on a small machine) and holds about 4 MiB of heap. The decisions of the
     * {@code rememberedDecisions} most recent inputs are answered without evaluation (0: none).
     */
    public static WasmPolicyDecisionPoint bundled(int instances, int rememberedDecisions) {
        if (instances < 1) {
            throw new IllegalArgumentException("a Wasm decision point needs at least one instance");
        }
        if (rememberedDecisions < 0) {
            throw new IllegalArgumentException("the number of remembered decisions cannot be negative");
        }
        byte[] manifest = resource(".manifest");
        try {
            String revision = DecisionCodec.MAPPER.readTree(manifest).path("revision").asText("");
            if (revision.isEmpty()) {
                throw new IllegalStateException("the bundled policy manifest names no revision");
            }
            return new WasmPolicyDecisionPoint(resource("policy.wasm"),
                    new String(resource("data.json"), StandardCharsets.UTF_8), revision, instances, rememberedDecisions);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundled policy manifest is not JSON", e);
        }
    }

    /** Revision of the bundled policy: SHA-256 of its Rego sources and reference data. */
    public String revision() {
        return revision;
    }

    /** How many inputs can be evaluated at once: the size of the pool to evaluate on. */
    public int instances() {
        return instances;
    }

    @Override
    public Optional<PolicyDecision> known(PolicyInput input) {
        return remembered == null ? Optional.empty() : Optional.ofNullable(remembered.getIfPresent(DecisionCodec.encode(input).json()));
    }

    @Override
    public PolicyDecision decide(PolicyInput input) {
        EncodedInput encoded = DecisionCodec.encode(input);
        if (remembered == null) {
            return evaluate(encoded);
        }
        PolicyDecision known = remembered.getIfPresent(encoded.json());
        if (known != null) {
            return known;
        }
        PolicyDecision decision = evaluate(encoded);
        remembered.put(encoded.json(), decision);
        return decision;
    }

    private PolicyDecision evaluate(EncodedInput encoded) {
        OpaPolicy policy = borrow();
        String results;
        try {
            results = policy.evaluate(encoded.json());
        } catch (RuntimeException e) {
            policy = restored(policy);
            throw new PolicyUnavailableException(Code.POLICY_EVALUATION_FAILED, "the Wasm policy failed to evaluate", e);
        } finally {
            idle.add(policy);
        }
        return DecisionCodec.decode(decisionIn(results), revision, encoded.digest());
    }

    private OpaPolicy borrow() {
        try {
            OpaPolicy policy = idle.poll(BORROW_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (policy == null) {
                throw new PolicyUnavailableException(Code.POLICY_TIMEOUT, "no Wasm policy instance became free in time");
            }
            return policy;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyUnavailableException(Code.POLICY_UNAVAILABLE, "interrupted while waiting for a Wasm policy instance", e);
        }
    }

    /**
     * After a failed evaluation the instance's heap is in an unknown state: reloading the data
     * rewinds the heap to its base. Compiling a new instance (slow) only if even that fails.
     */
    private OpaPolicy restored(OpaPolicy policy) {
        try {
            return policy.data(data);
        } catch (RuntimeException reloadFailed) {
            return newInstance();
        }
    }

    private OpaPolicy newInstance() {
        return OpaPolicy.builder().withPolicy(wasm).build()
                .entrypoint(DecisionCodec.DECISION_PATH)
                .data(data);
    }

    /** The Wasm ABI answers with a result set: {@code [{"result": <decision>}]}, or {@code []} if undefined. */
    private static JsonNode decisionIn(String results) {
        try {
            return DecisionCodec.MAPPER.readTree(results).path(0).get("result");
        } catch (JsonProcessingException e) {
            throw new PolicyUnavailableException(Code.POLICY_RESULT_INVALID, "the Wasm policy answered with invalid JSON", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = WasmPolicyDecisionPoint.class.getResourceAsStream(BUNDLE + name)) {
            if (in == null) {
                throw new IllegalStateException("the policy bundle lacks " + BUNDLE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUNDLE + name, e);
        }
    }
}
