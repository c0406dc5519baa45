package dev.gatehouse.gateway.budgets;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetPeriodTest {

    @Test
    void aMonthlyPeriodIsTheCalendarMonthInUtc() {
        BudgetPeriod.Window window = BudgetPeriod.MONTHLY.windowAt(Instant.parse("2026-02-28T23:59:59Z"));

        assertThat(window.start()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(window.end()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void aCustomPeriodRepeatsEveryItsDaysFromItsStart() {
        BudgetPeriod fortnight = BudgetPeriod.custom(LocalDate.parse("2026-12-01"), 14);

        assertThat(fortnight.windowAt(Instant.parse("2026-12-01T00:00:00Z")).start()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(fortnight.windowAt(Instant.parse("2026-12-20T08:00:00Z")))
                .isEqualTo(new BudgetPeriod.Window(Instant.parse("2026-12-15T00:00:00Z"), Instant.parse("2026-12-29T00:00:00Z")));
        assertThat(fortnight.windowAt(Instant.parse("2026-11-30T23:00:00Z")))
                .isEqualTo(new BudgetPeriod.Window(Instant.parse("2026-11-17T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));
    }

    @Test
    void aCustomPeriodHasOneToAYearOfDays() {
        assertThatThrownBy(() -> BudgetPeriod.custom(LocalDate.parse("2026-12-01"), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BudgetPeriod.custom(LocalDate.parse("2026-12-01"), 367)).isInstanceOf(IllegalArgumentException.class);
    }
}
