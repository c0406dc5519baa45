package dev.gatehouse.scanner;

import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
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

    /** Where several answers together stand (the choices of one response): the strongest action, all they showed. */
    public static ResponseVerdict combined(Collection<ResponseVerdict> verdicts) {
        Set<PiiType> pii = EnumSet.noneOf(PiiType.class);
        verdicts.forEach(verdict -> pii.addAll(verdict.pii()));
        return new ResponseVerdict(verdicts.stream().anyMatch(ResponseVerdict::systemPromptLeak), pii,
                verdicts.stream().map(ResponseVerdict::action).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null));
    }
}
