package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Set;

/**
 * Facts about the request itself: never its content.
 *
 * @param purpose           the purpose the caller declares; null or empty means the tenant's default
 * @param piiTypes          types of personal data the prompt scanner detected, e.g. {@code email}
 * @param specialCategories special categories detected by the scanner or declared by the caller
 * @param clientRegion      where the call came from; recorded with the decision
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RequestFacts(String purpose, Set<String> piiTypes, Set<String> specialCategories, String clientRegion) {

    public RequestFacts {
        piiTypes = Facts.sorted(piiTypes);
        specialCategories = Facts.sorted(specialCategories);
    }
}
