package dev.gatehouse.scanner;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Scans every message of a request for injection and personal data. Implementations are thread-safe. */
public interface PromptScanner {

    /** Scans in this process only. */
    ScanResult scan(List<ScannedMessage> messages);

    /** Scans with the messages' text processed only in {@code allowedRegions}, besides this process. */
    default ScanResult scan(List<ScannedMessage> messages, Set<String> allowedRegions) {
        return scan(messages);
    }

    /**
     * The result {@link #scan} would give, if it can be known without scanning (every message was
     * scanned before and is remembered): cheap enough for a request's calling thread. Empty when
     * any message would need a scan.
     */
    default Optional<ScanResult> remembered(List<ScannedMessage> messages) {
        return Optional.empty();
    }

    default Verdict judge(List<ScannedMessage> messages, ScanPolicy policy) {
        return policy.judge(scan(messages));
    }
}
