package dev.gatehouse.scanner;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The production scanner: normalisation, then signatures, then (unless the signatures are already
 * decisive) the semantic classifier. Per message, strong findings (weight ≥ {@value #STRONG})
 * combine as independent evidence ({@code 1 − Π(1 − wᵢ)}) together with only the strongest weak
 * finding, so a long document that merely uses many trigger words does not add up to an attack;
 * the request's score is its most suspicious message. Personal data and special categories are
 * collected from every message. What a message contributes is a pure function of its role, its
 * text and whether the classifier reads it, so it is remembered per distinct message (under a
 * SHA-256 digest, never the text): a system prompt or tool schema that every call repeats is
 * normalised, matched and classified once. Thread-safe; construct once.
 */
public final class LayeredPromptScanner implements PromptScanner {

    /**
     * The system message is written by the tenant's application, not by the end user; it is scanned
     * (a template that splices in untrusted text shows up there) but its evidence counts half, so a
     * prompt that says "never reveal these instructions" does not block its own application.
     */
    private static final double SYSTEM_MESSAGE_WEIGHT = 0.5;
    /** Findings at least this strong count as independent evidence; weaker ones only as the strongest. */
    private static final double STRONG = 0.5;
    /** Above this rule score the classifier cannot change the outcome, so its cost is skipped. */
    private static final double DECISIVE_RULE_SCORE = 0.95;
    /**
     * The classifier (milliseconds of CPU per window of a message) reads only the most recent
     * messages; rules read all. Earlier turns of a conversation were scanned when they were first sent, and without the
     * bound a request of thousands of distinct short messages would buy minutes of CPU.
     */
    static final int CLASSIFIED_RECENT_MESSAGES = 32;

    /** Distinct messages whose contribution is remembered: a few hundred bytes each, some MiB in all. */
    static final int REMEMBERED_MESSAGES = 16_384;
    /**
     * Above this many characters a request is not looked up before it is scanned: hashing it costs
     * about a microsecond per KiB on the calling thread, and requests that large are rarely repeats.
     */
    static final int REMEMBERED_LOOKUP_CHARS = 64 * 1024;

    private static final double TAG_SMUGGLING_WEIGHT = 0.6;
    private static final double OTHER_OBFUSCATION_WEIGHT = 0.15;

    private final TextNormalizer normalizer = new TextNormalizer();
    private final TextNormalizer everyPayload = TextNormalizer.decodingEveryPayload();
    private final InjectionRules rules;
    private final Optional<InjectionClassifier> classifier;
    private final PersonalDataDetector personalData = new PersonalDataDetector();
    private final SpecialCategoryDetector specialCategories = new SpecialCategoryDetector();
    private final Cache<ByteBuffer, MessageScan> rememberedMessages = Caffeine.newBuilder().maximumSize(REMEMBERED_MESSAGES).build();

    /**
     * What one message contributes to a request's result: its findings (as if it were the first
     * message), its score before the system message's weight, and what personal data it holds.
     */
    private record MessageScan(List<Finding> findings, double score, Set<PiiType> pii, Set<SpecialCategory> special) {
        MessageScan {
            findings = List.copyOf(findings);
            pii = Set.copyOf(pii);
            special = Set.copyOf(special);
        }
    }

    public LayeredPromptScanner(InjectionRules rules, Optional<InjectionClassifier> classifier) {
        this.rules = rules;
        this.classifier = classifier;
    }

    /**
     * Default rules plus the committed fine-tuned MiniLM classifier, which scores each distinct
     * message once while it is among the {@value RememberedScores#DEFAULT_MESSAGES} most used ones.
     * The model is loaded (and its SHA-256 checked) on the first call; every later call in the same
     * JVM shares that model and its remembered scores (see {@link BundledClassifier}).
     */
    public static LayeredPromptScanner withBundledModel() {
        return new LayeredPromptScanner(InjectionRules.defaults(), Optional.of(BundledClassifier.SHARED));
    }

    /**
     * Default rules plus a classifier that computes what the bundled model computes (the same model
     * served elsewhere, falling back to the bundled one), remembering scores under the bundled
     * model's digest as {@link #withBundledModel()} does.
     */
    public static LayeredPromptScanner withClassifier(InjectionClassifier sameModel) {
        return new LayeredPromptScanner(InjectionRules.defaults(), Optional.of(
                new RememberedScores(sameModel, bundledModel().descriptor().sha256(), RememberedScores.DEFAULT_MESSAGES)));
    }

    /** The committed model, loaded once per JVM. */
    public static MiniLmInjectionClassifier bundledModel() {
        return BundledClassifier.MODEL;
    }

    /**
     * One loaded classifier per JVM: loading costs seconds of CPU (reading and hashing 17 MB,
     * building the ONNX Runtime session) and tens of MB of native memory, and a process that starts
     * several applications (a test JVM holds many Spring contexts) would otherwise pay both per
     * application, and never give the memory back. Sharing is safe: the classifier is thread-safe
     * and a score is a pure function of the text and the model, remembered under a digest, not the
     * text. Never closed: it lives as long as the JVM. Loaded when first used (holder idiom).
     */
    private static final class BundledClassifier {
        static final MiniLmInjectionClassifier MODEL = MiniLmInjectionClassifier.withBundledModel();
        static final InjectionClassifier SHARED = new RememberedScores(MODEL, MODEL.descriptor().sha256(), RememberedScores.DEFAULT_MESSAGES);
    }

    /** The semantic classifier behind the signatures, if any. */
    Optional<InjectionClassifier> classifier() {
        return classifier;
    }

    /** Signatures only: microseconds per message, lower recall. */
    public static LayeredPromptScanner rulesOnly() {
        return new LayeredPromptScanner(InjectionRules.defaults(), Optional.empty());
    }

    @Override
    public ScanResult scan(List<ScannedMessage> messages) {
        return scan(messages, Set.of());
    }

    @Override
    public ScanResult scan(List<ScannedMessage> messages, Set<String> allowedRegions) {
        List<MessageScan> scans = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ScannedMessage message = messages.get(i);
            boolean classify = classified(i, messages.size());
            ByteBuffer key = keyOf(message, classify);
            MessageScan scan = rememberedMessages.getIfPresent(key);
            if (scan == null) {
                // not computed under the cache's lock: a scan takes milliseconds (longer on a remote
                // classifier) and would hold up other messages; two calls may scan the same new one
                scan = scanOne(message, classify, allowedRegions);
                rememberedMessages.put(key, scan);
            }
            scans.add(scan);
        }
        return combined(messages, scans);
    }

    @Override
    public Optional<ScanResult> remembered(List<ScannedMessage> messages) {
        long chars = 0;
        for (ScannedMessage message : messages) {
            chars += message.content().length();
        }
        if (chars > REMEMBERED_LOOKUP_CHARS) {
            return Optional.empty();
        }
        List<MessageScan> scans = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            MessageScan known = rememberedMessages.getIfPresent(keyOf(messages.get(i), classified(i, messages.size())));
            if (known == null) {
                return Optional.empty();
            }
            scans.add(known);
        }
        return Optional.of(combined(messages, scans));
    }

    private static boolean classified(int index, int messages) {
        return index >= messages - CLASSIFIED_RECENT_MESSAGES;
    }

    private MessageScan scanOne(ScannedMessage message, boolean classify, Set<String> allowedRegions) {
        NormalizedText normalized = normalizer.normalize(message.content());
        List<Finding> findings = injectionFindings(0, message.role(), normalized, classify, allowedRegions);
        // the injection detectors' bound on decoded payloads must not hide personal data in the rest
        String plain = TextNormalizer.mayHoldUndecodedPayloads(normalized)
                ? everyPayload.normalize(message.content()).scannable() : normalized.scannable();
        Set<PiiType> pii = EnumSet.noneOf(PiiType.class);
        personalData.find(plain).forEach(match -> pii.add(match.type()));
        return new MessageScan(findings, combine(findings), pii, specialCategories.find(plain));
    }

    private static ScanResult combined(List<ScannedMessage> messages, List<MessageScan> scans) {
        double score = 0;
        List<Finding> findings = new ArrayList<>();
        Set<PiiType> pii = EnumSet.noneOf(PiiType.class);
        Set<SpecialCategory> special = EnumSet.noneOf(SpecialCategory.class);
        for (int i = 0; i < scans.size(); i++) {
            MessageScan scan = scans.get(i);
            double weight = messages.get(i).role() == MessageRole.SYSTEM ? SYSTEM_MESSAGE_WEIGHT : 1;
            score = Math.max(score, scan.score() * weight);
            for (Finding finding : scan.findings()) {
                findings.add(i == 0 ? finding
                        : new Finding(finding.ruleId(), finding.category(), i, finding.role(), finding.weight()));
            }
            pii.addAll(scan.pii());
            special.addAll(scan.special());
        }
        return new ScanResult(score, findings, pii, special);
    }

    /** Role, whether the classifier reads the message, and its text: everything a message's scan depends on. */
    private static ByteBuffer keyOf(ScannedMessage message, boolean classify) {
        MessageDigest sha256 = RememberedScores.sha256();
        sha256.update((byte) message.role().ordinal());
        sha256.update((byte) (classify ? 1 : 0));
        return ByteBuffer.wrap(sha256.digest(message.content().getBytes(StandardCharsets.UTF_8)));
    }

    private List<Finding> injectionFindings(int index, MessageRole role, NormalizedText normalized, boolean classify,
                                            Set<String> allowedRegions) {
        List<Finding> found = new ArrayList<>();
        for (InjectionRules.RuleMatch match : rules.matches(normalized.scannable())) {
            found.add(new Finding(match.rule().id(), match.rule().category(), index, role, match.weight()));
        }
        for (Obfuscation obfuscation : normalized.obfuscations()) {
            double weight = obfuscation == Obfuscation.UNICODE_TAG_SMUGGLING ? TAG_SMUGGLING_WEIGHT : OTHER_OBFUSCATION_WEIGHT;
            found.add(new Finding("obfuscation." + obfuscation.name().toLowerCase(java.util.Locale.ROOT),
                    AttackCategory.OBFUSCATION, index, role, weight));
        }
        if (classify && classifier.isPresent() && combine(found) < DECISIVE_RULE_SCORE) {
            double semantic = classifier.get().score(normalized.scannable(), allowedRegions);
            found.add(new Finding(classifier.get().id(), AttackCategory.SEMANTIC, index, role, semantic));
        }
        return found;
    }

    private static double combine(List<Finding> findings) {
        double benign = 1;
        double strongestWeak = 0;
        for (Finding f : findings) {
            if (f.weight() >= STRONG || f.category() == AttackCategory.SEMANTIC) {
                benign *= 1 - f.weight();
            } else {
                strongestWeak = Math.max(strongestWeak, f.weight());
            }
        }
        return 1 - benign * (1 - strongestWeak);
    }
}
