package dev.gatehouse.tenant.keycloak;

/**
 * Keycloak refused or could not do what was asked. {@link #code()} is stable:
 * {@code IDENTITY_PROVIDER_UNAVAILABLE} or {@code ALREADY_EXISTS}.
 * The message names no secret.
 */
public final class IdentityProviderException extends RuntimeException {

    public static final String UNAVAILABLE = "IDENTITY_PROVIDER_UNAVAILABLE";
    public static final String ALREADY_EXISTS = "ALREADY_EXISTS";

    private final String code;

    IdentityProviderException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
