package dev.gatehouse.tenant;

/**
 * A tenant or key attribute that breaks a rule, naming the attribute so that an API can point the
 * caller at it. The message is written for the caller and never repeats the rejected value.
 */
public final class InvalidAttributeException extends RuntimeException {

    private final String attribute;

    public InvalidAttributeException(String attribute, String message) {
        super(message, null, false, false);
        this.attribute = attribute;
    }

    /** The attribute's name as the admin API spells it, e.g. {@code residency_regions}. */
    public String attribute() {
        return attribute;
    }
}
