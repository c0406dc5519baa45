package dev.gatehouse.standalone.portal;

/** The public API refused what the portal asked on the user's behalf: its status and its own explanation. */
final class PortalApiProblem extends RuntimeException {

    private final int status;
    private final String code;

    PortalApiProblem(int status, String detail, String code) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    boolean signedOut() {
        return status == 401;
    }
}
