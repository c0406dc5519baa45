package dev.gatehouse.testing;

import java.util.Random;
import java.util.function.Function;

/**
 * A property checked on generated inputs: a bounded number of tries from a fixed seed, so that a
 * run is reproducible and a failure names the seed, the try and the input that broke it (a text
 * shortened, as far as it still fails, to the few characters that matter). Another seed explores
 * other inputs: {@code -Dgatehouse.property.seed=...}.
 */
public final class Property<T> {

    private static final long DEFAULT_SEED = 20_250_101L;
    private static final int MAX_SHRINK_CHECKS = 400;

    /** Makes one input from the randomness it is given, and from nothing else. */
    public interface Generator<T> {
        T next(Random random);
    }

    /** Holds for an input or throws, typically an {@link AssertionError}. */
    public interface Check<T> {
        void verify(T input) throws Exception;
    }

    private final Generator<T> inputs;
    private final int tries;
    private final Function<? super T, String> shown;

    private Property(Generator<T> inputs, int tries, Function<? super T, String> shown) {
        this.inputs = inputs;
        this.tries = tries;
        this.shown = shown;
    }

    public static <T> Property<T> forAll(Generator<T> inputs) {
        return new Property<>(inputs, 200, Property::show);
    }

    public Property<T> tries(int count) {
        return new Property<>(inputs, count, shown);
    }

    public Property<T> shownAs(Function<? super T, String> show) {
        return new Property<>(inputs, tries, show);
    }

    public void check(Check<? super T> property) {
        long seed = Long.getLong("gatehouse.property.seed", DEFAULT_SEED);
        Random random = new Random(seed);
        for (int attempt = 1; attempt <= tries; attempt++) {
            T input = inputs.next(random);
            try {
                property.verify(input);
            } catch (Exception | AssertionError failure) {
                String falsified = input instanceof String text
                        ? "shortened to " + HostileText.escaped(shortestFailing(text, property)) + " from " + shown.apply(input)
                        : shown.apply(input);
                throw new AssertionError("falsified on try " + attempt + " of " + tries + " (seed " + seed + ") by "
                        + falsified + ": " + failure.getMessage(), failure);
            }
        }
    }

    /** Drops ever smaller runs of characters while the property still fails without them, within a bounded number of checks. */
    @SuppressWarnings("unchecked")
    private String shortestFailing(String text, Check<? super T> property) {
        String shortest = text;
        int checks = 0;
        for (int run = Math.max(1, shortest.length() / 2); run >= 1; run /= 2) {
            for (int from = 0; from + run <= shortest.length() && checks++ < MAX_SHRINK_CHECKS; ) {
                String shorter = shortest.substring(0, from) + shortest.substring(from + run);
                if (fails((T) shorter, property)) {
                    shortest = shorter;
                } else {
                    from += run;
                }
            }
        }
        return shortest;
    }

    private boolean fails(T input, Check<? super T> property) {
        try {
            property.verify(input);
            return false;
        } catch (Exception | AssertionError failure) {
            return true;
        }
    }

    private static String show(Object input) {
        return input instanceof String text ? HostileText.escaped(text) : String.valueOf(input);
    }
}
