package dev.gatehouse.catalog;

/** A tenant's subscription to a model: only an active one entitles the tenant to call it. */
public enum SubscriptionStatus {
    ACTIVE, PENDING, REJECTED;

    public String code() {
        return EnumCodes.code(this);
    }

    public static SubscriptionStatus fromCode(String code) {
        return EnumCodes.parse(SubscriptionStatus.class, code);
    }
}
