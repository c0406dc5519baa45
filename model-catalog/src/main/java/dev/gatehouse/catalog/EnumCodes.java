package dev.gatehouse.catalog;

import java.util.Locale;

/** The catalog's enumerations travel as their lower-case names (in JSON, in the schema); this is the one mapping. */
final class EnumCodes {

    private EnumCodes() {
    }

    static String code(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String code) {
        for (E constant : type.getEnumConstants()) {
            if (code(constant).equals(code)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + ": " + code);
    }
}
