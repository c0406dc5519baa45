package dev.gatehouse.standalone.portal;

/**
 * What the pages know about the signed-in user: enough to lay out the navigation, never the
 * credential. Which links show is a convenience; the APIs behind the pages decide what is allowed.
 */
public record Navigation(String tenantSlug, boolean tenantAdmin, boolean auditor, boolean publisher, boolean platformAdmin) {

    static Navigation of(PortalUser user) {
        return new Navigation(user.tenantSlug(), user.tenantAdmin(), user.auditor(), user.publisher(), user.platformAdmin());
    }
}
