package dev.gatehouse.catalog;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Who may find and subscribe to a model: its {@link Visibility}, the tenants a {@code shared} model
 * is shared with, and whether the publisher approves each subscription.
 */
public record ModelAccess(Visibility visibility, Set<UUID> sharedWith, boolean approvalRequired) {

    public static final ModelAccess PUBLIC_OPEN = new ModelAccess(Visibility.PUBLIC, Set.of(), false);

    public ModelAccess {
        Objects.requireNonNull(visibility, "visibility");
        sharedWith = Set.copyOf(sharedWith);
    }

    /** Whether {@code tenant} can see the model; {@code owner} is the publishing tenant (null for the platform's own). */
    public boolean visibleTo(UUID tenant, UUID owner) {
        if (tenant.equals(owner)) {
            return true;
        }
        return switch (visibility) {
            case PUBLIC -> true;
            case PRIVATE -> false;
            case SHARED -> sharedWith.contains(tenant);
        };
    }
}
