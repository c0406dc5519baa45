package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that an operation fails with a given {@link ErrorCode}. */
public final class CryptoAssertions {

    private CryptoAssertions() {
    }

    public static void assertFailsWith(ErrorCode expected, ThrowingCallable operation) {
        assertThatThrownBy(operation).isInstanceOfSatisfying(CryptoException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(expected));
    }
}
