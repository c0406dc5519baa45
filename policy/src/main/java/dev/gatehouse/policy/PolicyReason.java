package dev.gatehouse.policy;

import java.util.Objects;

/**
 * Why a call is refused.
 *
 * @param code   stable machine code, e.g. {@code RESIDENCY_NO_ALLOWED_REGION} (listed in the README)
 * @param detail a sentence for humans naming the tenant, model, region or category concerned
 */
public record PolicyReason(String code, String detail) {

    public PolicyReason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }
}
