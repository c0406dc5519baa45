package dev.gatehouse.crypto;

import java.util.regex.Pattern;

/**
 * Identifies the tenant whose key protects a ciphertext. Restricted to lower-case letters, digits, '-' and
 * '_' (at most 64 characters, canonical UUIDs fit) because it becomes part of keystore aliases and Vault
 * key names, and some keystores fold the case of aliases.
 */
public record TenantId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public TenantId {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("tenant id must match " + ALLOWED.pattern());
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
