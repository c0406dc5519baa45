package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the policy needs to know about the calling tenant.
 *
 * @param residencyRegions     regions where the tenant allows its calls to be processed
 * @param allowedPurposes      purposes the tenant may process data for
 * @param defaultPurpose       purpose assumed when a request declares none; may be null
 * @param transferBases        per destination region outside the EEA, the recorded transfer
 *                             mechanism: {@code scc} (standard contractual clauses) or {@code bcr}
 * @param specialCategoryBases per special category (e.g. {@code health}), the recorded Art. 9(2)
 *                             basis (e.g. {@code explicit_consent})
 * @param transferChoice       what to do with personal data when no destination is lawful
 * @param contentLogging       whether the tenant asks for prompts and completions to be logged
 * @param retentionDays        how long logged content is kept; positive when content is logged
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantFacts(
        String id,
        Set<String> residencyRegions,
        Set<String> allowedPurposes,
        String defaultPurpose,
        Map<String, String> transferBases,
        Map<String, String> specialCategoryBases,
        TransferChoice transferChoice,
        boolean contentLogging,
        int retentionDays) {

    public TenantFacts {
        Objects.requireNonNull(id, "id");
        residencyRegions = Facts.sorted(residencyRegions);
        allowedPurposes = Facts.sorted(allowedPurposes);
        transferBases = Facts.sorted(transferBases);
        specialCategoryBases = Facts.sorted(specialCategoryBases);
        transferChoice = transferChoice == null ? TransferChoice.REFUSE : transferChoice;
    }
}
