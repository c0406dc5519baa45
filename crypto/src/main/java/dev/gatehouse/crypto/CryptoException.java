package dev.gatehouse.crypto;

/**
 * The one exception type of this library. Callers branch on {@link #code()}; the message is for humans
 * and never contains key material, plaintext or secrets.
 */
public final class CryptoException extends RuntimeException {

    private final ErrorCode code;

    public CryptoException(ErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public CryptoException(ErrorCode code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
