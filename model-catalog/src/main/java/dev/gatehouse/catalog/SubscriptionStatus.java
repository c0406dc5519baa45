package dev.gatehouse.catalog;

import java.util.Locale;

/** A tenant's subscription to a model: only an active one entitles the tenant to call it. */
public enum SubscriptionStatus {
    ACTIVE, PENDING, REJECTED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SubscriptionStatus fromCode(String code) {
        for (SubscriptionStatus status : values()) {
            if (status.code().equals(code)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown subscription status: " + code);
    }
}
