package dev.gatehouse.standalone.portal;

/** The public API refused what the portal asked on the user's behalf: its status and its own explanation. */
final class PortalApiProblem extends RuntimeException {

    private final int status;

    PortalApiProblem(int status, String detail) {
        super(detail);
        this.status = status;
    }

    int status() {
        return status;
    }

    boolean signedOut() {
        return status == 401;
    }
}
