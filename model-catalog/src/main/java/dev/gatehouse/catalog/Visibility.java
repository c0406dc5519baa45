package dev.gatehouse.catalog;

/** Who can find a model in the catalog: everyone, only its publisher's tenant, or also named tenants. */
public enum Visibility {
    PUBLIC, PRIVATE, SHARED;

    public String code() {
        return EnumCodes.code(this);
    }

    public static Visibility fromCode(String code) {
        return EnumCodes.parse(Visibility.class, code);
    }
}
