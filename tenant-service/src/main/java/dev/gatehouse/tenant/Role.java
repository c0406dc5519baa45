package dev.gatehouse.tenant;

/** What a principal (an API key or, later, a person or client from the identity provider) may do. */
public enum Role {
    PLATFORM_ADMIN("platform-admin"),
    TENANT_ADMIN("tenant-admin"),
    /** Lists models and their backends in the marketplace on behalf of its own tenant. */
    PUBLISHER("publisher"),
    DEVELOPER("developer"),
    AUDITOR("auditor");

    private final String code;

    Role(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Role fromCode(String code) {
        for (Role role : values()) {
            if (role.code.equals(code)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role: " + code);
    }
}
