package dev.gatehouse.scanner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 sentence embeddings (the quantised ONNX model and tokenizer shipped in
 * langchain4j's jar), mean-pooled and L2-normalised exactly as sentence-transformers and
 * langchain4j do, but run by this class so that the scanner controls the cost: text is tokenised
 * once, windows are cut in tokens, several windows go through the model in one batch, and the
 * session computes on the calling thread (one core per scan, no spinning worker threads).
 * Thread-safe; load once (about a second).
 */
public final class MiniLmEmbedder implements AutoCloseable {

    public static final int DIMENSIONS = 384;
    private static final long CLS = 101;
    private static final long SEP = 102;
    private static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final WordPieceTokenizer javaTokenizer;

    private MiniLmEmbedder(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer,
                           WordPieceTokenizer javaTokenizer) {
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.javaTokenizer = javaTokenizer;
    }

    public static MiniLmEmbedder load() {
        try (InputStream model = resource(MODEL_RESOURCE); InputStream tokenizerResource = resource(TOKENIZER_RESOURCE)) {
            byte[] tokenizerJson = tokenizerResource.readAllBytes();
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = environment.createSession(model.readAllBytes(), options);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                    Map.of("padding", "false", "truncation", "false"));
            return new MiniLmEmbedder(environment, session, tokenizer, WordPieceTokenizer.read(new ByteArrayInputStream(tokenizerJson)));
        } catch (IOException | OrtException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "MiniLM model could not be loaded", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "MiniLM resource " + name + " is missing");
        }
        return in;
    }

    /** Word-piece ids of the text, without the [CLS]/[SEP] markers, as Hugging Face's tokenizer gives them. */
    public long[] tokenIds(String text) {
        return WordPieceTokenizer.tokenizesLikeTheReference(text)
                ? javaTokenizer.tokenIds(text)
                : tokenizer.encode(text, false, false).getIds();
    }

    /**
     * One embedding per window of word-piece ids (without markers), computed in a single batch. The
     * quantised model scales activations per batch, so a window's embedding depends slightly on
     * the other windows of its batch: to stay deterministic, batch a fixed set (one text's windows).
     */
    public float[][] embedWindows(List<long[]> windows) {
        int batch = windows.size();
        int length = windows.stream().mapToInt(w -> w.length).max().orElse(0) + 2;
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            long[] window = windows.get(b);
            int row = b * length;
            ids[row] = CLS;
            System.arraycopy(window, 0, ids, row + 1, window.length);
            ids[row + window.length + 1] = SEP;
            Arrays.fill(mask, row, row + window.length + 2, 1L);
        }
        long[] shape = {batch, length};
        try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typeIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[batch * length]), shape);
             OrtSession.Result result = session.run(Map.of(
                     "input_ids", inputIds, "attention_mask", attentionMask, "token_type_ids", typeIds))) {
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[][] embeddings = new float[batch][];
            for (int b = 0; b < batch; b++) {
                embeddings[b] = meanPooled(hidden, b * length, windows.get(b).length + 2);
            }
            return embeddings;
        } catch (OrtException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "MiniLM inference failed", e);
        }
    }

    private static float[] meanPooled(FloatBuffer hidden, int firstToken, int tokens) {
        float[] sum = new float[DIMENSIONS];
        for (int t = firstToken; t < firstToken + tokens; t++) {
            int offset = t * DIMENSIONS;
            for (int d = 0; d < DIMENSIONS; d++) {
                sum[d] += hidden.get(offset + d);
            }
        }
        double norm = 0;
        for (float v : sum) {
            norm += v * v;
        }
        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] *= scale;
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "MiniLM session could not be closed", e);
        } finally {
            tokenizer.close();
        }
    }
}
