package dev.gatehouse.tenant.keycloak;

import java.net.URI;
import java.util.Objects;

/**
 * How Gatehouse reaches Keycloak: the server, the realm that holds every tenant as an
 * organization, the audience Gatehouse's tokens carry, and the administrator Gatehouse acts as
 * (a user of {@code adminRealm}, by default the bootstrap admin of {@code master}).
 */
public record KeycloakSettings(URI serverUrl, String realm, String audience, String adminRealm, String adminUsername, String adminPassword) {

    public KeycloakSettings {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(adminRealm, "adminRealm");
        Objects.requireNonNull(adminUsername, "adminUsername");
        Objects.requireNonNull(adminPassword, "adminPassword");
    }

    @Override
    public String toString() {
        return "KeycloakSettings[serverUrl=" + serverUrl + ", realm=" + realm + ", audience=" + audience + ", adminRealm=" + adminRealm
                + ", adminUsername=" + adminUsername + ", adminPassword=<redacted>]";
    }
}
