package dev.gatehouse.gateway.metering;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label values of one kind (tenants, models, backends) for metrics, at most {@code limit} distinct
 * ones: the first seen keep their own value, later ones share {@value #OTHER}. This bounds the
 * number of time series however many tenants or models there are.
 */
final class BoundedLabels {

    static final String OTHER = "other";

    private final int limit;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    BoundedLabels(int limit) {
        this.limit = limit;
    }

    String of(String value) {
        if (admitted.contains(value)) {
            return value;
        }
        if (admitted.size() < limit) {
            admitted.add(value);
            return value;
        }
        return OTHER;
    }
}
