package dev.gatehouse.gateway.budgets;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * How a budget's spend is counted over time: per calendar month (UTC), or in cycles of
 * {@code days} days starting at midnight UTC of {@code start} (and every {@code days} days
 * before and after it). Periods begin at a UTC midnight so that the daily usage totals sum to
 * exactly a period's spend.
 */
public record BudgetPeriod(LocalDate start, int days) {

    public static final BudgetPeriod MONTHLY = new BudgetPeriod(null, 0);
    public static final int MAX_DAYS = 366;

    public BudgetPeriod {
        if (start == null ? days != 0 : days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("a custom period has a start date and 1-" + MAX_DAYS + " days; a monthly one neither");
        }
    }

    public static BudgetPeriod custom(LocalDate start, int days) {
        return new BudgetPeriod(start, days);
    }

    public boolean monthly() {
        return start == null;
    }

    /** The period {@code now} falls in. */
    public Window windowAt(Instant now) {
        if (monthly()) {
            YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
            return new Window(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        long cycle = Math.floorDiv(ChronoUnit.DAYS.between(start, now.atZone(ZoneOffset.UTC).toLocalDate()), days);
        LocalDate from = start.plusDays(cycle * days);
        return new Window(from.atStartOfDay(ZoneOffset.UTC).toInstant(), from.plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** One period: from {@code start} (included) to {@code end}, when the budget resets. */
    public record Window(Instant start, Instant end) {

        /** The UTC day an instant falls on; periods start and end at midnight, so their days are whole. */
        public static LocalDate dayOf(Instant instant) {
            return instant.atZone(ZoneOffset.UTC).toLocalDate();
        }
    }
}
