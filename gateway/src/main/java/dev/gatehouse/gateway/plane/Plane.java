package dev.gatehouse.gateway.plane;

import java.util.List;

/** The two halves of Gatehouse, and where each one's HTTP API lives. */
public enum Plane {
    /** The gateway: the OpenAI-compatible model calls, served from the read models in memory. */
    DATA("the gateway (data plane)", List.of("/v1")),
    /** Tenants, keys, members, the catalog, usage and audit, Keycloak provisioning, and the portal. */
    CONTROL("the control plane", List.of("/admin", "/catalog", "/portal"));

    private final String description;
    private final List<String> pathPrefixes;

    Plane(String description, List<String> pathPrefixes) {
        this.description = description;
        this.pathPrefixes = pathPrefixes;
    }

    public String description() {
        return description;
    }

    /** Whether {@code path} is one of this plane's: a prefix itself or below it. */
    public boolean owns(String path) {
        return pathPrefixes.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
    }
}
