package dev.gatehouse.catalog.file;

import java.util.Optional;

/**
 * Where a declarative catalog's secrets are found: an environment variable of this process, or
 * a field of a secret in Vault ({@code path#field}). A catalog file never holds a secret itself.
 */
public interface SecretReferences {

    Optional<String> environmentVariable(String name);

    /** Empty when the secret or field does not exist; throws when Vault is not configured or unreachable. */
    Optional<String> vault(String path, String field);
}
