package dev.gatehouse.catalog;

/** Where a model is in its life: callers of a deprecated model are warned, and refused after its sunset. */
public enum ModelStatus {
    PREVIEW, GA, DEPRECATED;

    public String code() {
        return EnumCodes.code(this);
    }

    public static ModelStatus fromCode(String code) {
        return EnumCodes.parse(ModelStatus.class, code);
    }
}
