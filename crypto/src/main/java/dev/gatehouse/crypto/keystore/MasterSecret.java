package dev.gatehouse.crypto.keystore;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The secret that protects a local keystore file. Read from an environment variable or a file (for example
 * a Kubernetes secret mount); never from the command line, never logged.
 */
public final class MasterSecret {

    static final int MINIMUM_LENGTH = 16;

    private final char[] value;

    private MasterSecret(char[] value) {
        if (value.length < MINIMUM_LENGTH) {
            throw new IllegalArgumentException("master secret must have at least " + MINIMUM_LENGTH + " characters");
        }
        this.value = value;
    }

    public static MasterSecret of(char[] value) {
        return new MasterSecret(value.clone());
    }

    public static MasterSecret fromEnvironment(String variable) {
        String value = System.getenv(variable);
        if (value == null) {
            throw new CryptoException(ErrorCode.KEYSTORE_UNAVAILABLE, "environment variable " + variable + " is not set");
        }
        return new MasterSecret(value.toCharArray());
    }

    /** Reads the whole file as UTF-8, without a trailing line break. */
    public static MasterSecret fromFile(Path file) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            return new MasterSecret(value.toCharArray());
        } catch (IOException e) {
            throw new CryptoException(ErrorCode.KEYSTORE_UNAVAILABLE, "cannot read master secret file " + file, e);
        }
    }

    char[] chars() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "MasterSecret[redacted]";
    }
}
