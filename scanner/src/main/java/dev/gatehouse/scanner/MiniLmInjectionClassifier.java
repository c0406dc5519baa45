package dev.gatehouse.scanner;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fine-tuned MiniLM classifier (the first layers of all-MiniLM-L6-v2 trained end to end, int8
 * ONNX, run in-process) reading the whole text: the text's word pieces are cut into windows of
 * {@link ClassifierDescriptor#windowTokens()} pieces, a new one every
 * {@link ClassifierDescriptor#strideTokens()} (the overlap keeps an attack that straddles a
 * boundary whole in one window), the windows go through the model in batches of at most
 * {@value #WINDOWS_PER_RUN}, and the most suspicious window decides. Cost is linear in the text's
 * length; the gateway's request-size limit bounds it.
 *
 * <p>The quantised model scales activations per batch, so a window's logit depends slightly on
 * the other windows of its batch; a text's windows are always batched the same way, so a text
 * always gets the same score. Scores are not kept here: {@link RememberedScores} remembers them
 * at the scanner's boundary. The session computes on the calling thread (one core per scan, no
 * spinning worker threads). Thread-safe; construct once.
 */
public final class MiniLmInjectionClassifier implements InjectionClassifier, AutoCloseable {

    private static final String RESOURCES = "/dev/gatehouse/scanner/";
    public static final String DESCRIPTOR_RESOURCE = RESOURCES + "injection-classifier.json";
    /** Bounds the memory of one model run (batch × window × hidden size activations). */
    static final int WINDOWS_PER_RUN = 8;
    /**
     * UUIDs and hex runs of 12+ characters with letters and digits (hashes, ids) are read as the word
     * "id": they carry no instruction (encoded text is decoded by the normaliser and read on its
     * own), and the model, which saw few of them in training, read their random word pieces as
     * adversarial gibberish (8 of 100 benign prompts with a random UUID over the threshold).
     */
    static final Pattern IDENTIFIER = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"
                    + "|\\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}\\b");

    private final ClassifierDescriptor descriptor;
    private final MiniLmTokenizer tokenizer;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;

    private MiniLmInjectionClassifier(ClassifierDescriptor descriptor, byte[] model, MiniLmTokenizer tokenizer) {
        this.descriptor = descriptor;
        this.tokenizer = tokenizer;
        try {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(model, options);
            takesTokenTypes = session.getInputNames().contains("token_type_ids");
        } catch (OrtException e) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "classifier model could not be loaded", e);
        }
    }

    /** The classifier committed in this module; verifies the model file against its descriptor's SHA-256. */
    public static MiniLmInjectionClassifier withBundledModel() {
        ClassifierDescriptor descriptor = bundledDescriptor();
        return load(descriptor, resource(RESOURCES + descriptor.model()), MiniLmTokenizer.load());
    }

    /** A classifier from a descriptor and its model bytes; refuses bytes whose SHA-256 differs. */
    public static MiniLmInjectionClassifier load(ClassifierDescriptor descriptor, byte[] model, MiniLmTokenizer tokenizer) {
        String actual = HexFormat.of().formatHex(sha256(model));
        if (!actual.equals(descriptor.sha256())) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID,
                    "classifier model " + descriptor.model() + " does not match the SHA-256 of its descriptor");
        }
        return new MiniLmInjectionClassifier(descriptor, model, tokenizer);
    }

    public static ClassifierDescriptor bundledDescriptor() {
        return ClassifierDescriptor.read(new ByteArrayInputStream(resource(DESCRIPTOR_RESOURCE)));
    }

    private static byte[] resource(String name) {
        try (InputStream in = MiniLmInjectionClassifier.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "bundled classifier file " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "bundled classifier file " + name + " is unreadable", e);
        }
    }

    @Override
    public String id() {
        return "classifier.minilm";
    }

    public ClassifierDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public double score(String normalizedText) {
        return scoreOfWindows(windowsOf(normalizedText));
    }

    /** The score of a text from its {@link #windowsOf windows}, for a caller that cut them already. */
    public double scoreOfWindows(List<long[]> windows) {
        return descriptor.scoreOf(logitsInRuns(windows));
    }

    /** The word-piece windows the model reads of a normalised text, whichever process runs it. */
    public List<long[]> windowsOf(String normalizedText) {
        String readable = IDENTIFIER.matcher(normalizedText).replaceAll("id").strip();
        return windows(tokenizer.tokenIds(readable), descriptor.windowTokens(), descriptor.strideTokens());
    }

    /**
     * Windows of {@code window} word pieces that cover every piece: one every {@code stride} pieces,
     * the last flush with the end of the text. An empty text is one empty window.
     */
    public static List<long[]> windows(long[] ids, int window, int stride) {
        if (ids.length <= window) {
            return List.of(ids);
        }
        List<long[]> windows = new ArrayList<>();
        for (int start = 0; start < ids.length - window; start += stride) {
            windows.add(Arrays.copyOfRange(ids, start, start + window));
        }
        windows.add(Arrays.copyOfRange(ids, ids.length - window, ids.length));
        return windows;
    }

    private float[] logitsInRuns(List<long[]> windows) {
        float[] logits = new float[windows.size()];
        for (int from = 0; from < windows.size(); from += WINDOWS_PER_RUN) {
            float[] run = logits(windows.subList(from, Math.min(windows.size(), from + WINDOWS_PER_RUN)));
            System.arraycopy(run, 0, logits, from, run.length);
        }
        return logits;
    }

    /** One logit per window (word-piece ids without markers), in one model run. */
    public float[] logits(List<long[]> windows) {
        WindowTensors tensors = WindowTensors.of(windows);
        long[] shape = tensors.shape();
        try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(tensors.inputIds()), shape);
             OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(tensors.attentionMask()), shape);
             OnnxTensor typeIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(tensors.tokenTypeIds()), shape)) {
            Map<String, OnnxTensor> inputs = takesTokenTypes
                    ? Map.of("input_ids", inputIds, "attention_mask", attentionMask, "token_type_ids", typeIds)
                    : Map.of("input_ids", inputIds, "attention_mask", attentionMask);
            try (OrtSession.Result result = session.run(inputs)) {
                float[] logits = new float[tensors.rows()];
                ((OnnxTensor) result.get(0)).getFloatBuffer().get(logits);
                return logits;
            }
        } catch (OrtException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "classifier inference failed", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "classifier session could not be closed", e);
        } finally {
            tokenizer.close();
        }
    }
}
