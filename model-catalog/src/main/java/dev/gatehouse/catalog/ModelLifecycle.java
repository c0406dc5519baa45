package dev.gatehouse.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * A model's status and, once deprecated, since when ({@code deprecatedAt}) and the sunset after
 * which it answers no more calls.
 */
public record ModelLifecycle(ModelStatus status, Instant deprecatedAt, Instant sunsetAt) {

    public static final ModelLifecycle GENERALLY_AVAILABLE = new ModelLifecycle(ModelStatus.GA, null, null);

    public ModelLifecycle {
        Objects.requireNonNull(status, "status");
        boolean deprecated = status == ModelStatus.DEPRECATED;
        if (deprecated != (sunsetAt != null) || deprecated != (deprecatedAt != null)) {
            throw new IllegalArgumentException("a deprecated model, and only a deprecated one, has a deprecation time and a sunset");
        }
    }

    public static ModelLifecycle deprecated(Instant deprecatedAt, Instant sunsetAt) {
        return new ModelLifecycle(ModelStatus.DEPRECATED, deprecatedAt, sunsetAt);
    }

    public boolean deprecated() {
        return status == ModelStatus.DEPRECATED;
    }

    public boolean retiredAt(Instant now) {
        return deprecated() && !now.isBefore(sunsetAt);
    }
}
