package dev.gatehouse.tenant.identity;

import java.net.URI;
import java.util.Objects;

/**
 * Where the identity provider's tokens come from: the issuer they must name, the JWKS with their
 * signing keys, and the audience they must be meant for. For Keycloak, derived from the server
 * URL and the realm by {@link #keycloak(URI, String, String)}.
 */
public record IdentityProviderSettings(String issuer, URI jwksUri, String audience) {

    public IdentityProviderSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(audience, "audience");
    }

    public static IdentityProviderSettings keycloak(URI serverUrl, String realm, String audience) {
        String base = serverUrl.toString().replaceAll("/+$", "");
        String issuer = base + "/realms/" + realm;
        return new IdentityProviderSettings(issuer, URI.create(issuer + "/protocol/openid-connect/certs"), audience);
    }
}
