package org.compofa.compare;

import java.util.Locale;

/** How the report prints numbers (one place, so a test can print its re-derived numbers the same way). */
final class Format {
    private Format() {
    }

    /** A top-1 in percent: two decimals. */
    static String top1(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A difference in points: signed, two decimals. */
    static String points(double v) {
        return String.format(Locale.ROOT, "%+.2f", v);
    }

    /** A ratio: two decimals below 10, one below 100, none above. */
    static String ratio(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Milliseconds: four decimals below 1, two below 100, none above. */
    static String ms(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 1 ? "%.2f" : "%.4f", v);
    }

    /** Seconds: one decimal. */
    static String seconds(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
