package dev.gatehouse.scanner;

import java.util.Set;

/**
 * Where a response scan stands: whether it leaked the system prompt, which personal data it has
 * shown so far, and the strongest action the policy asks for ({@code null} when nothing fired).
 */
public record ResponseVerdict(boolean systemPromptLeak, Set<PiiType> pii, ScanAction action) {
    public ResponseVerdict {
        pii = Set.copyOf(pii);
    }

    public boolean blocks() {
        return action == ScanAction.BLOCK;
    }
}
