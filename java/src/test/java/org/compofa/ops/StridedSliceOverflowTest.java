package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawOps;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Strides and offsets whose arithmetic overflows a long: {@link StridedSlice} refuses them with the
 * typed exception (never ArithmeticException, never a wrapped bound that lets a negative s0 through),
 * and the C ABI refuses them too when called directly, instead of returning OK and faulting.
 */
class StridedSliceOverflowTest {
    /** The reported case: (d1-1)*s1 wraps, so s0 = -s1 passed and the span came out small. */
    private static final long S1 = (1L << 62) + (1L << 40);

    @Test
    void reportedStrides_areRefusedWithTheTypedException() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new StridedSlice(0, 3, 3, 4, -S1, S1));
        assertTrue(e.getMessage().contains("s1=" + S1), e.getMessage());
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
    }

    @Test
    void overflowingBoundSpanOrOffset_areRefused() {
        // (d1-1)*s1 + d2 past Long.MAX_VALUE: the old wrapped bound was Long.MIN_VALUE.
        assertThrows(InvalidArgumentException.class, () -> new StridedSlice(0, 2, 2, 1, 5, Long.MAX_VALUE));
        // (d0-1)*s0 past Long.MAX_VALUE with a valid s0.
        assertThrows(InvalidArgumentException.class, () -> new StridedSlice(0, 3, 1, 1, Long.MAX_VALUE / 2 + 1, 1));
        // offset + span past Long.MAX_VALUE.
        assertThrows(InvalidArgumentException.class, () -> new StridedSlice(Long.MAX_VALUE - 5, 2, 2, 2, 8, 4));
    }

    /** Seeded random slices, many near the long limits, against the rules evaluated in BigInteger. */
    @Test
    void constructorAgreesWithExactArithmetic() {
        SplittableRandom rnd = new SplittableRandom(15);
        long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, S1, -S1, 1L << 40, (1L << 62) + 1, Long.MAX_VALUE / 2,
            Long.MAX_VALUE / 3 + 1};
        int accepted = 0;
        int refused = 0;
        for (int n = 0; n < 20_011; n++) {
            int d0 = rnd.nextInt(1, 6);
            int d1 = rnd.nextInt(1, 6);
            int d2 = rnd.nextBoolean() ? rnd.nextInt(1, 6) : rnd.nextInt(1, Integer.MAX_VALUE);
            long s1 = rnd.nextBoolean() ? d2 + rnd.nextInt(3) : edges[rnd.nextInt(edges.length)] + rnd.nextInt(-2, 3);
            long s0 = rnd.nextBoolean() ? (d1 - 1L) * s1 + d2 + rnd.nextInt(3) : edges[rnd.nextInt(edges.length)];
            long offset = rnd.nextBoolean() ? rnd.nextInt(9) : Long.MAX_VALUE - rnd.nextInt(1 << 20);
            BigInteger span = big(d0 - 1).multiply(big(s0)).add(big(d1 - 1).multiply(big(s1))).add(big(d2));
            boolean valid = s1 >= d2 && big(s0).compareTo(big(d1 - 1).multiply(big(s1)).add(big(d2))) >= 0
                    && big(offset).add(span).compareTo(big(Long.MAX_VALUE)) <= 0;
            if (valid) {
                StridedSlice s = new StridedSlice(offset, d0, d1, d2, s0, s1);
                assertEquals(span.longValueExact(), s.span(), s.toString());
                assertEquals(big(d0).multiply(big(d1)).multiply(big(d2)).longValueExact(), s.count(), s.toString());
                accepted++;
            } else {
                final long fs0 = s0;
                final long fs1 = s1;
                assertThrows(InvalidArgumentException.class, () -> new StridedSlice(offset, d0, d1, d2, fs0, fs1),
                        () -> "offset=" + offset + " d=" + d0 + "," + d1 + "," + d2 + " s0=" + fs0 + " s1=" + fs1);
                refused++;
            }
        }
        assertTrue(accepted > 2000 && refused > 2000, "both outcomes exercised: " + accepted + " / " + refused);
    }

    /** Straight at the C ABI (no Java checks in the way): the reported strides must come back refused. */
    @ParameterizedTest(name = "raw slice ops refuse overflowing strides on {0}")
    @EnumSource(value = Backend.class, names = {"REFERENCE", "CPU"})
    void rawAbi_refusesOverflowingStrides(Backend backend) {
        try (ComputeContext ctx = ComputeContext.open(backend);
             Tensor src = Tensor.zeros(ctx, Layout.VECTOR, 64);
             Tensor dst = Tensor.zeros(ctx, Layout.VECTOR, 64)) {
            InvalidArgumentException gather = assertThrows(InvalidArgumentException.class,
                    () -> RawOps.sliceGather(ctx.handle(), null, src.address(), src.length(), 0, 3, 3, 4, -S1, S1,
                            dst.address(), dst.length()));
            assertTrue(gather.getMessage().contains("s0=" + -S1), gather.getMessage());
            assertThrows(InvalidArgumentException.class,
                    () -> RawOps.sliceScatterAdd(ctx.handle(), null, src.address(), src.length(), 1f, dst.address(),
                            dst.length(), 0, 3, 3, 4, -S1, S1));
            assertThrows(InvalidArgumentException.class,
                    () -> RawOps.sliceGather(ctx.handle(), null, src.address(), src.length(), 0, 2, 2, 1,
                            -Long.MAX_VALUE + 5, Long.MAX_VALUE, dst.address(), dst.length()));
        }
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }
}
