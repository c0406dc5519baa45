package dev.gatehouse.scanner;

import java.util.List;
import java.util.Set;

/** Scans every message of a request for injection and personal data. Implementations are thread-safe. */
public interface PromptScanner {

    /** Scans in this process only. */
    ScanResult scan(List<ScannedMessage> messages);

    /** Scans with the messages' text processed only in {@code allowedRegions}, besides this process. */
    default ScanResult scan(List<ScannedMessage> messages, Set<String> allowedRegions) {
        return scan(messages);
    }

    default Verdict judge(List<ScannedMessage> messages, ScanPolicy policy) {
        return policy.judge(scan(messages));
    }
}
