package dev.gatehouse.catalog;

import java.util.Set;

/**
 * What a model's operator attests: certifications (such as {@code gdpr-ready},
 * {@code hipaa-eligible}), the GDPR Art. 9 categories of personal data it is certified for (such
 * as {@code health}), and how long the backend operator retains prompts ({@code zeroRetention}:
 * not at all; {@code dataRetentionDays} null when unstated).
 */
public record ModelCompliance(Set<String> certifications, Set<String> certifiedSpecialCategories, Integer dataRetentionDays,
                              boolean zeroRetention) {

    public static final ModelCompliance NONE = new ModelCompliance(Set.of(), Set.of(), null, false);

    public ModelCompliance {
        certifications = Set.copyOf(certifications);
        certifiedSpecialCategories = Set.copyOf(certifiedSpecialCategories);
        if (dataRetentionDays != null && dataRetentionDays < 0) {
            throw new IllegalArgumentException("dataRetentionDays must be zero or more");
        }
        if (zeroRetention && dataRetentionDays != null && dataRetentionDays != 0) {
            throw new IllegalArgumentException("a zero-retention model cannot retain data for " + dataRetentionDays + " days");
        }
    }
}
