package dev.gatehouse.policy;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Immutable, sorted copies, so that equal facts always serialise to the same canonical JSON. */
final class Facts {

    private Facts() {
    }

    static SortedSet<String> sorted(Set<String> values) {
        return Collections.unmodifiableSortedSet(values == null ? new TreeSet<>() : new TreeSet<>(values));
    }

    static SortedMap<String, String> sorted(Map<String, String> values) {
        return Collections.unmodifiableSortedMap(values == null ? new TreeMap<>() : new TreeMap<>(values));
    }
}
