package org.compofa.ops;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Slice gather and scatter-add against Java loops: depthwise crop, matrix block, generic 3-D slice. */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class SliceCopyTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    /** A slice and the length of the strided tensor it lives in. */
    private record Case(StridedSlice slice, int srcLength) {}

    static Stream<Arguments> cases() {
        Case[] cs = {
            new Case(StridedSlice.depthwiseCrop(3, 37, 7, 40), 7 * 7 * 40),
            new Case(StridedSlice.depthwiseCrop(5, 40, 7, 40), 7 * 7 * 40),
            new Case(StridedSlice.matrix(29, 37, 40), 48 * 40),
            new Case(new StridedSlice(11, 3, 4, 5, 31, 7), 200),
        };
        String[] names = {"dwcrop_k3of7_c37of40", "dwcrop_k5of7_c40of40", "matrix_29x37_of_48x40", "3d_3x4x5_s31_s7_off11"};
        Stream.Builder<Arguments> b = Stream.builder();
        for (Backend backend : Backend.values()) {
            for (int i = 0; i < cs.length; i++) {
                b.add(Arguments.of(backend, Named.of(names[i], cs[i])));
            }
        }
        return b.build();
    }

    private static int index(StridedSlice s, int i, int j, int l) {
        return (int) (s.offset() + i * s.s0() + j * s.s1() + l);
    }

    @ParameterizedTest(name = "slice gather {0} {1}")
    @MethodSource("cases")
    void gather_matchesJavaLoop(Backend backend, Case c) {
        ComputeContext ctx = contexts.get(backend);
        StridedSlice s = c.slice();
        float[] src = Numerics.uniform(new SplittableRandom(3), c.srcLength());
        float[] expected = new float[(int) s.count() + 3];
        java.util.Arrays.fill(expected, -5f);
        for (int i = 0; i < s.d0(); i++) {
            for (int j = 0; j < s.d1(); j++) {
                for (int l = 0; l < s.d2(); l++) {
                    expected[(i * s.d1() + j) * s.d2() + l] = src[index(s, i, j, l)];
                }
            }
        }
        try (Tensor ts = Tensor.of(ctx, Layout.VECTOR, src, src.length);
             Tensor td = Tensor.zeros(ctx, Layout.VECTOR, expected.length)) {
            td.fill(-5f);
            SliceCopy.gather(ctx, ts, s, td);
            Numerics.assertClose(backend + " gather", expected, td.toArray(), 0, 0);
        }
    }

    @ParameterizedTest(name = "slice scatterAdd {0} {1}")
    @MethodSource("cases")
    void scatterAdd_matchesJavaLoop(Backend backend, Case c) {
        ComputeContext ctx = contexts.get(backend);
        StridedSlice s = c.slice();
        SplittableRandom rnd = new SplittableRandom(4);
        float[] src = Numerics.uniform(rnd, (int) s.count());
        float[] dst = Numerics.uniform(rnd, c.srcLength());
        float alpha = -0.5f;
        float[] expected = dst.clone();
        for (int i = 0; i < s.d0(); i++) {
            for (int j = 0; j < s.d1(); j++) {
                for (int l = 0; l < s.d2(); l++) {
                    expected[index(s, i, j, l)] += alpha * src[(i * s.d1() + j) * s.d2() + l];
                }
            }
        }
        try (Tensor ts = Tensor.of(ctx, Layout.VECTOR, src, src.length);
             Tensor td = Tensor.of(ctx, Layout.VECTOR, dst, dst.length)) {
            SliceCopy.scatterAdd(ctx, ts, alpha, td, s);
            Numerics.assertClose(backend + " scatterAdd", expected, td.toArray(), 1e-6, 1e-6);
        }
    }
}
