package dev.gatehouse.tenant;

import java.util.Objects;

/** The outcome of presenting a token: a principal, or the reason it was refused. */
public sealed interface ApiKeyVerification {

    record Accepted(ApiKeyPrincipal principal) implements ApiKeyVerification {
        public Accepted {
            Objects.requireNonNull(principal, "principal");
        }
    }

    record Refused(Reason reason) implements ApiKeyVerification {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum Reason {
        /** Not a Gatehouse token, unknown key id, or wrong secret: indistinguishable to the caller. */
        INVALID,
        REVOKED,
        EXPIRED,
        TENANT_SUSPENDED
    }
}
