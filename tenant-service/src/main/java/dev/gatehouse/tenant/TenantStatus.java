package dev.gatehouse.tenant;

public enum TenantStatus {
    ACTIVE, SUSPENDED;

    String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static TenantStatus fromCode(String code) {
        return valueOf(code.toUpperCase(java.util.Locale.ROOT));
    }
}
