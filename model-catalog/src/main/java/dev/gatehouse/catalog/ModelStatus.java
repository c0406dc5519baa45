package dev.gatehouse.catalog;

import java.util.Locale;

/** Where a model is in its life: callers of a deprecated model are warned, and refused after its sunset. */
public enum ModelStatus {
    PREVIEW, GA, DEPRECATED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelStatus fromCode(String code) {
        for (ModelStatus status : values()) {
            if (status.code().equals(code)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown model status: " + code);
    }
}
