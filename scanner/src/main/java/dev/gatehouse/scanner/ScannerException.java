package dev.gatehouse.scanner;

/** A scanner failure with a stable machine code; the message never contains scanned text. */
public final class ScannerException extends RuntimeException {

    public enum Code {
        MODEL_UNAVAILABLE,
        MODEL_INVALID,
        DATASET_INVALID,
        POLICY_INVALID
    }

    private final Code code;

    public ScannerException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public ScannerException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
