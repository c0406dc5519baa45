package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;
import java.util.Set;

/**
 * What the policy needs to know about the requested model.
 *
 * @param regions                    regions where the model has backends
 * @param certifiedSpecialCategories special categories of personal data the model is certified for
 * @param subscribed                 whether the calling tenant is subscribed to the model
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelFacts(String id, Set<String> regions, Set<String> certifiedSpecialCategories, boolean subscribed) {

    public ModelFacts {
        Objects.requireNonNull(id, "id");
        regions = Facts.sorted(regions);
        certifiedSpecialCategories = Facts.sorted(certifiedSpecialCategories);
    }
}
