package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.compofa.bindings.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** Shapes whose element count overflows: the typed exception naming the shape, never ArithmeticException. */
class LayoutTest {
    private static final int MAX = Integer.MAX_VALUE;

    @Test
    void overflowingProduct_isInvalidArgumentNamingTheShape() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Layout.NHWC.validate(65_536, 65_536, 65_536, 65_536));
        assertTrue(e.getMessage().contains("NHWC shape [65536, 65536, 65536, 65536]"), e.getMessage());
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Layout.NHWC.validate(MAX, MAX, MAX, MAX));
        assertThrows(InvalidArgumentException.class, () -> Layout.DW_WEIGHT.validate(MAX, MAX, MAX));
    }

    /** A count that fits a long but not as bytes (x4) is refused too, so a tensor's byte size never wraps. */
    @Test
    void countBeyondMaxElements_isRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Layout.MATRIX.validate(MAX, MAX));
        assertTrue(e.getMessage().contains("MATRIX shape [" + MAX + ", " + MAX + "]"), e.getMessage());
        assertTrue(e.getMessage().contains("allowed at most " + Layout.MAX_ELEMENTS), e.getMessage());
        // Just past the limit: (2^31-1) * (2^30+2) = 2^61 + 2^32 - 2^30 - 2 > 2^61 - 1.
        assertThrows(InvalidArgumentException.class, () -> Layout.MATRIX.validate(MAX, (1 << 30) + 2));
    }

    @Test
    void largestCounts_areExact() {
        assertEquals(7L * 7 * MAX, Layout.DW_WEIGHT.validate(7, 7, MAX));
        assertEquals((long) MAX * (1 << 30), Layout.MATRIX.validate(MAX, 1 << 30));  // 2^61 - 2^30: allowed
        assertEquals(1021L * 13 * 7 * 3, Layout.NHWC.validate(1021, 13, 7, 3));
    }

    /** Tensor.zeros goes through the same check: the typed exception comes before any allocation. */
    @Test
    void tensorWithOverflowingShape_isInvalidArgument() {
        try (ComputeContext ctx = ComputeContext.open(Backend.REFERENCE)) {
            assertThrows(InvalidArgumentException.class, () -> Tensor.zeros(ctx, Layout.MATRIX, MAX, MAX));
            assertThrows(InvalidArgumentException.class, () -> Tensor.zeros(ctx, Layout.NHWC, MAX, MAX, MAX, MAX));
        }
    }
}
