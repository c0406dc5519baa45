package dev.gatehouse.scanner;

import java.util.List;

/** Scans every message of a request for injection and personal data. Implementations are thread-safe. */
public interface PromptScanner {

    ScanResult scan(List<ScannedMessage> messages);

    default Verdict judge(List<ScannedMessage> messages, ScanPolicy policy) {
        return policy.judge(scan(messages));
    }
}
