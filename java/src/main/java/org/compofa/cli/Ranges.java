package org.compofa.cli;

import java.util.Locale;
import java.util.function.Function;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.Backend;
import org.compofa.space.ResolutionSet;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value checks of every option, in one place: each converter parses and checks one kind of
 * value, and picocli reports a refusal as {@code Invalid value for option '--budgets': -1 (must be >= 1)},
 * a usage error. An option's description states its {@link Bounded#range()} (a test holds them
 * together).
 */
final class Ranges {
    private Ranges() {}

    /** A value read by the library's own parser; its refusal (naming what is allowed) becomes a usage error. */
    static <T> T parsed(String s, Function<String, T> parse) {
        try {
            return parse.apply(s);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** A converter whose values have a range, stated in the option's description. */
    interface Bounded {
        /** The allowed values, as the help says them, e.g. {@code >= 1}. */
        String range();
    }

    /** An integer of at least {@code min}. */
    abstract static class IntAtLeast implements ITypeConverter<Integer>, Bounded {
        private final int min;

        IntAtLeast(int min) {
            this.min = min;
        }

        @Override
        public Integer convert(String s) {
            int v;
            try {
                v = Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + s + "' is not an integer (must be " + range() + ")");
            }
            if (v < min) {
                throw new TypeConversionException(v + " (must be " + range() + ")");
            }
            return v;
        }

        @Override
        public String range() {
            return ">= " + min;
        }
    }

    /** Counts that may be zero (warm-up runs). */
    static final class NonNegative extends IntAtLeast {
        NonNegative() {
            super(0);
        }
    }

    /** Counts, sizes and limits. */
    static final class Positive extends IntAtLeast {
        Positive() {
            super(1);
        }
    }

    /** Batch (batch statistics need two images) and compound epochs (two phases). */
    static final class AtLeastTwo extends IntAtLeast {
        AtLeastTwo() {
            super(2);
        }
    }

    /** OFA progressive-shrinking epochs: one per phase at least. */
    static final class AtLeastFive extends IntAtLeast {
        AtLeastFive() {
            super(5);
        }
    }

    /** A finite decimal above zero (width multiplier, learning-rate scale). */
    static final class PositiveDecimal implements ITypeConverter<Double>, Bounded {
        @Override
        public Double convert(String s) {
            double v;
            try {
                v = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + s + "' is not a number (must be " + range() + ")");
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new TypeConversionException(s + " (must be " + range() + ")");
            }
            return v;
        }

        @Override
        public String range() {
            return "finite and > 0";
        }
    }

    /** Resolutions as {@code A} (one size) or {@code A-B:S} (A to B, step S). */
    static final class Resolutions implements ITypeConverter<ResolutionSet> {
        @Override
        public ResolutionSet convert(String s) {
            try {
                return ResolutionSet.parseTag("r" + s.strip().replace(':', 's'));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "': expected A or A-B:S, e.g. 28 or 24-32:4 ("
                        + e.getMessage() + ")");
            }
        }
    }

    /** {@code yes}/{@code no} (also {@code true}/{@code false}). */
    static final class YesNo implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "yes", "true" -> true;
                case "no", "false" -> false;
                default -> throw new TypeConversionException("'" + s + "': expected yes or no");
            };
        }
    }

    /** A backend name: {@code auto} or one of {@link Backend} (checked here, opened later). */
    static final class BackendName implements ITypeConverter<String> {
        @Override
        public String convert(String s) {
            if (s.strip().equalsIgnoreCase("auto")) {
                return "auto";
            }
            try {
                return Backend.parse(s).propertyName();
            } catch (InvalidArgumentException e) {
                throw new TypeConversionException("'" + s + "': allowed reference, cpu, cuda, auto");
            }
        }
    }
}
