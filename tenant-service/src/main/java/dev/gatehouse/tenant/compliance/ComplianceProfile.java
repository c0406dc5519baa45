package dev.gatehouse.tenant.compliance;

import dev.gatehouse.tenant.InvalidAttributeException;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a tenant has recorded for compliance decisions and prompt scanning.
 *
 * @param defaultPurpose       purpose assumed when a call declares none; null for none
 * @param transferBases        per destination region outside the EEA: {@code scc} or {@code bcr}
 * @param specialCategoryBases per GDPR Art. 9 category (e.g. {@code health}): the Art. 9(2) basis
 * @param transferChoice       for personal data bound for a region without a basis: {@code refuse} the
 *                             call, {@code redact} it (typed placeholders), or {@code pseudonymise} it
 *                             (placeholders for the backend, original values restored in the answer)
 * @param injectionThreshold   combined injection score (above 0, at most 1) at which the action applies
 * @param injectionAction      {@code block}, {@code flag} or {@code log_only}
 * @param scanResponses        whether model output is scanned too (leakage, personal data)
 * @param requireContentLog    whether a call whose content the policy obliges to log fails (503
 *                             {@code content_log_unavailable}) when that content cannot be stored durably,
 *                             rather than being answered with {@code content_logged=false} in its audit record
 */
public record ComplianceProfile(
        String defaultPurpose,
        Map<String, String> transferBases,
        Map<String, String> specialCategoryBases,
        String transferChoice,
        double injectionThreshold,
        String injectionAction,
        boolean scanResponses,
        boolean requireContentLog) {

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Set<String> TRANSFER_MECHANISMS = Set.of("scc", "bcr");
    private static final Set<String> TRANSFER_CHOICES = Set.of("refuse", "redact", "pseudonymise");
    private static final Set<String> INJECTION_ACTIONS = Set.of("block", "flag", "log_only");
    private static final int MAX_ENTRIES = 64;

    /**
     * Declared after the patterns it is validated with. A detected injection is flagged, not
     * refused, until the tenant chooses to block (decisions 0232 and 0233): the classifier still
     * refuses some legitimate prompts of kinds its training data lacks.
     */
    public static final ComplianceProfile DEFAULTS = new ComplianceProfile(null, Map.of(), Map.of(), "refuse", 0.5, "flag", false, false);

    /** Whether personal data the policy says to redact is pseudonymised and restored in the answer. */
    public boolean pseudonymisesTransfers() {
        return "pseudonymise".equals(transferChoice);
    }

    public ComplianceProfile {
        if (defaultPurpose != null && !CODE.matcher(defaultPurpose).matches()) {
            throw new InvalidAttributeException("default_purpose", "'default_purpose' must be a lowercase code such as customer_support.");
        }
        transferBases = Map.copyOf(transferBases == null ? Map.of() : transferBases);
        specialCategoryBases = Map.copyOf(specialCategoryBases == null ? Map.of() : specialCategoryBases);
        if (transferBases.size() > MAX_ENTRIES || !transferBases.entrySet().stream()
                .allMatch(entry -> CODE.matcher(entry.getKey()).matches() && TRANSFER_MECHANISMS.contains(entry.getValue()))) {
            throw new InvalidAttributeException("transfer_bases", "'transfer_bases' maps region codes to 'scc' or 'bcr'.");
        }
        if (specialCategoryBases.size() > MAX_ENTRIES || !specialCategoryBases.entrySet().stream()
                .allMatch(entry -> CODE.matcher(entry.getKey()).matches() && CODE.matcher(entry.getValue()).matches())) {
            throw new InvalidAttributeException("special_category_bases",
                    "'special_category_bases' maps category codes (e.g. health) to Art. 9(2) basis codes (e.g. explicit_consent).");
        }
        if (!TRANSFER_CHOICES.contains(transferChoice)) {
            throw new InvalidAttributeException("transfer_choice", "'transfer_choice' must be 'refuse', 'redact' or 'pseudonymise'.");
        }
        if (!(injectionThreshold > 0 && injectionThreshold <= 1)) {
            throw new InvalidAttributeException("injection_threshold", "'injection_threshold' must be above 0 and at most 1.");
        }
        if (!INJECTION_ACTIONS.contains(injectionAction)) {
            throw new InvalidAttributeException("injection_action", "'injection_action' must be 'block', 'flag' or 'log_only'.");
        }
    }
}
