package dev.gatehouse.catalog;

import java.util.Locale;

/** Who can find a model in the catalog: everyone, only its publisher's tenant, or also named tenants. */
public enum Visibility {
    PUBLIC, PRIVATE, SHARED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility fromCode(String code) {
        for (Visibility visibility : values()) {
            if (visibility.code().equals(code)) {
                return visibility;
            }
        }
        throw new IllegalArgumentException("unknown visibility: " + code);
    }
}
