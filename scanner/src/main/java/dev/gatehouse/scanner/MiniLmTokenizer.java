package dev.gatehouse.scanner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The all-MiniLM-L6-v2 word-piece tokenizer (BERT uncased, the {@code tokenizer.json} shipped in
 * langchain4j's jar): the Java {@link WordPieceTokenizer} for text in the Unicode blocks where it
 * is proven to give Hugging Face's ids, the native Hugging Face tokenizer for the rest. The
 * training program tokenises with the same file. Thread-safe; load once.
 */
public final class MiniLmTokenizer implements AutoCloseable {

    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final HuggingFaceTokenizer nativeTokenizer;
    private final WordPieceTokenizer javaTokenizer;

    private MiniLmTokenizer(HuggingFaceTokenizer nativeTokenizer, WordPieceTokenizer javaTokenizer) {
        this.nativeTokenizer = nativeTokenizer;
        this.javaTokenizer = javaTokenizer;
    }

    public static MiniLmTokenizer load() {
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
            if (in == null) {
                throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "MiniLM tokenizer is missing");
            }
            byte[] json = in.readAllBytes();
            HuggingFaceTokenizer nativeTokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("padding", "false", "truncation", "false"));
            return new MiniLmTokenizer(nativeTokenizer, WordPieceTokenizer.read(new ByteArrayInputStream(json)));
        } catch (IOException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "MiniLM tokenizer could not be loaded", e);
        }
    }

    /** Word-piece ids of the text, without the [CLS]/[SEP] markers, as Hugging Face's tokenizer gives them. */
    public long[] tokenIds(String text) {
        return WordPieceTokenizer.tokenizesLikeTheReference(text)
                ? javaTokenizer.tokenIds(text)
                : nativeTokenizer.encode(text, false, false).getIds();
    }

    @Override
    public void close() {
        nativeTokenizer.close();
    }
}
