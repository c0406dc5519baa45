package dev.gatehouse.scanner;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * A classifier that remembers the scores of recent messages: a system prompt or a tool schema
 * that every call of an application repeats is scored once, not once per call (the classifier
 * costs milliseconds of CPU a message, a lookup microseconds). A score is a pure function of the
 * normalised text and the classifier's revision, so the key is a SHA-256 digest of both: the
 * cache holds no prompt text, and a new revision of the model never answers with an old score.
 * Bounded (Caffeine, least recently and frequently used go first); thread-safe without a lock.
 */
public final class RememberedScores implements InjectionClassifier {

    /** 32-byte keys and a double: about 150 bytes an entry with Caffeine's own, some 2.5 MiB in all. */
    public static final int DEFAULT_MESSAGES = 16_384;

    private final InjectionClassifier classifier;
    private final byte[] revision;
    private final Cache<ByteBuffer, Double> scores;

    /**
     * @param revision names what the classifier computes (its model's digest): scores of another
     *                 revision are never reused
     */
    public RememberedScores(InjectionClassifier classifier, String revision, int messages) {
        if (messages < 1) {
            throw new IllegalArgumentException("a score cache holds at least one message");
        }
        this.classifier = classifier;
        this.revision = (classifier.id() + '\n' + revision + '\n').getBytes(StandardCharsets.UTF_8);
        this.scores = Caffeine.newBuilder().maximumSize(messages).build();
    }

    @Override
    public double score(String normalizedText) {
        return scores.get(keyOf(normalizedText), key -> classifier.score(normalizedText));
    }

    /** Where a score was computed does not change it, so one remembered score serves every region. */
    @Override
    public double score(String normalizedText, Set<String> allowedRegions) {
        return scores.get(keyOf(normalizedText), key -> classifier.score(normalizedText, allowedRegions));
    }

    @Override
    public String id() {
        return classifier.id();
    }

    private ByteBuffer keyOf(String normalizedText) {
        MessageDigest sha256 = sha256();
        sha256.update(revision);
        return ByteBuffer.wrap(sha256.digest(normalizedText.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
