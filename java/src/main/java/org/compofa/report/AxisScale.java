package org.compofa.report;

/**
 * What an axis shows, and so which range it may take. The range follows the data with a small margin
 * (4 % of the span on each side), but never leaves what the quantity can be: a latency or a loss is
 * never drawn below 0, a percentage never outside [0, 100], and a fraction (a CDF) always spans exactly
 * [0, 1] (data outside a quantity's bounds widens them, so a bug upstream stays visible).
 */
public enum AxisScale {
    /** Any real value: the data's range plus the margin. */
    LINEAR(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
    /** A quantity that cannot be negative (latency, loss, minutes): clipped at 0. */
    NON_NEGATIVE(0, Double.POSITIVE_INFINITY),
    /** A count (steps, epochs, images): clipped at 0, ticks at whole numbers only. */
    COUNT(0, Double.POSITIVE_INFINITY),
    /** A percentage (top-1 %): clipped to [0, 100]. */
    PERCENT(0, 100),
    /** A fraction such as a CDF: always exactly [0, 1], whatever the data. */
    FRACTION(0, 1);

    /** True for quantities whose ticks must be whole numbers. */
    boolean wholeNumbers() {
        return this == COUNT;
    }

    /** The margin on each side, as a fraction of the data's span. */
    static final double MARGIN = 0.04;

    private final double min;
    private final double max;

    AxisScale(double min, double max) {
        this.min = min;
        this.max = max;
    }

    /**
     * The axis range {lower, upper} for data spanning [lo, hi] (lo > hi: no finite data), with
     * lower < upper always. Data outside the quantity's bounds (a bug upstream) stays visible.
     */
    double[] range(double lo, double hi) {
        if (!(lo <= hi)) {
            lo = Math.max(min, 0);
            hi = Math.min(max, lo + 1);
        }
        double floor = Math.min(min, lo);
        double ceiling = Math.max(max, hi);
        if (this == FRACTION) {
            return new double[] {floor, ceiling};
        }
        double pad = hi > lo ? MARGIN * (hi - lo) : hi != 0 ? 0.05 * Math.abs(hi) : 0.5;
        if (this == COUNT && hi == lo) {
            pad = 1; // one count either side, so a lone point has whole-number neighbours
        }
        double lower = Math.max(floor, lo - pad);
        double upper = Math.min(ceiling, hi + pad);
        if (lower == upper) { // a constant series at a bound (0 % or 100 %): widen inwards
            lower = Math.max(floor, upper - 2 * pad);
            upper = Math.min(ceiling, lower + 2 * pad);
        }
        return new double[] {lower, upper};
    }
}
