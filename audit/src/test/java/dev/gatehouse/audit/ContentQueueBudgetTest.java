package dev.gatehouse.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentQueueBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void refusesContentThatWouldExceedTheBytesAndCountsIt() {
        ContentQueueBudget budget = new ContentQueueBudget(2 * MIB);

        assertThat(budget.tryTake(MIB + MIB / 2)).isTrue();
        assertThat(budget.tryTake(MIB)).isFalse();
        assertThat(budget.tryTake(MIB / 2)).isTrue();

        assertThat(budget.queuedBytes()).isEqualTo(2 * MIB);
        assertThat(budget.refusedCount()).isEqualTo(1);
    }

    @Test
    void releasedBytesMakeRoomAgain() {
        ContentQueueBudget budget = new ContentQueueBudget(MIB);
        assertThat(budget.tryTake(MIB)).isTrue();

        budget.release(MIB);

        assertThat(budget.tryTake(MIB)).isTrue();
    }

    @Test
    void aBudgetBelowOneMebibyteIsAConfigurationError() {
        assertThatThrownBy(() -> new ContentQueueBudget(1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
