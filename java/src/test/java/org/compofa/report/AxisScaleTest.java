package org.compofa.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Axis ranges: the data plus a 4 % margin, within what the quantity can be. */
class AxisScaleTest {
    @Test
    void rangesHoldTheDataWithAMarginAndStayWithinTheQuantitysBounds() {
        Random r = new Random(43);
        for (int i = 0; i < 1001; i++) {
            double lo = -50 + r.nextDouble() * 150;
            double hi = lo + r.nextDouble() * 60;
            for (AxisScale s : AxisScale.values()) {
                double[] range = s.range(lo, hi);
                assertTrue(range[0] < range[1], s + " " + lo + ".." + hi);
                assertTrue(range[0] <= lo && range[1] >= hi, s + " holds the data " + lo + ".." + hi);
                double pad = AxisScale.MARGIN * (hi - lo);
                double floor = switch (s) {
                    case LINEAR -> Double.NEGATIVE_INFINITY;
                    default -> 0;
                };
                if (s != AxisScale.FRACTION) {
                    assertEquals(Math.max(Math.min(floor, lo), lo - pad), range[0], 1e-12, s + " lower");
                }
            }
        }
    }

    @Test
    void fractionIsExactlyZeroToOneAndBoundsCutTheMargin() {
        assertArrayEquals(new double[] {0, 1}, AxisScale.FRACTION.range(0.0041, 1.0));
        assertArrayEquals(new double[] {0, 1}, AxisScale.FRACTION.range(0.5, 0.5));
        assertEquals(0, AxisScale.NON_NEGATIVE.range(0.01, 2.3)[0], "no negative loss axis");
        assertEquals(100, AxisScale.PERCENT.range(71.3, 99.9)[1], "no percentage over 100");
        assertArrayEquals(new double[] {95, 100}, AxisScale.PERCENT.range(100, 100), 1e-12);
        assertArrayEquals(new double[] {0, 0.5}, AxisScale.NON_NEGATIVE.range(0, 0), 1e-12);
        assertArrayEquals(new double[] {0, 1.04}, AxisScale.NON_NEGATIVE.range(Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY), 1e-12, "no data");
        double[] bad = AxisScale.PERCENT.range(95, 120.5);
        assertTrue(bad[1] >= 120.5, "data past a bound (a bug upstream) stays visible: " + bad[1]);
    }
}
