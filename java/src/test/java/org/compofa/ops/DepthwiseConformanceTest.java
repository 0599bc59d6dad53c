package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.compofa.runtime.Backend;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite of the elastic depthwise convolution: every production backend (CPU, CUDA)
 * against the REFERENCE oracle on seeded random data of odd sizes. The case list covers every
 * (k, kMax) pair with kMax 5 and 7 (plus kMax 3), each with stride 1 and 2 and transform NONE and OFA;
 * channels 72, 120, 336, 37, spatial 7, 11, 13, 28 (some non-square), batch 1 and 3, cMax = c or
 * larger. CUDA cases are SKIPPED where no CUDA device exists.
 */
@Tag("cuda") // also runs CUDA cases (SKIPPED without a device)
class DepthwiseConformanceTest {
    /** Forward: at most 49 products per output of values near 1. */
    static final double FWD_ATOL = 1e-4;
    static final double FWD_RTOL = 1e-4;
    /** Reductions over up to n*ho*wo (dweight) or n*ho*wo*c (transforms) terms: atol grows with the scale. */
    static final double RED_RTOL = 1e-4;
    static final double RED_ATOL_PER_SCALE = 2e-5;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    static List<DepthwiseShape> shapes() {
        int[][] kernels = {{3, 5}, {5, 5}, {3, 7}, {5, 7}, {7, 7}, {3, 3}};
        int[] channels = {72, 120, 336, 37};
        int[] spatial = {7, 11, 13, 28};
        int[] batch = {1, 3};
        List<DepthwiseShape> out = new ArrayList<>();
        int i = 0;
        for (int[] kk : kernels) {
            for (int stride : new int[] {1, 2}) {
                for (KernelTransform t : KernelTransform.values()) {
                    int c = channels[i % 4];
                    int h = spatial[(i / 4 + i) % 4];
                    int w = i % 3 == 0 ? spatial[(i / 4 + i + 1) % 4] : h;
                    int n = batch[(i / 2) % 2];
                    if (c == 336 && n == 3 && h == 28) {
                        n = 1; // keep the largest case single-batch: the suite must stay fast on 2 cores
                    }
                    int cMax = (i / 4 + i) % 2 == 0 ? c : c + 24;
                    out.add(new DepthwiseShape(n, h, w, c, cMax, kk[0], kk[1], stride, t));
                    i++;
                }
            }
        }
        return out;
    }

    static Stream<Arguments> cases() {
        return Stream.of(Backend.CPU, Backend.CUDA)
                .flatMap(b -> shapes().stream().map(s -> Arguments.of(b, Named.of(s.id(), s))));
    }

    private static long seed(DepthwiseShape s) {
        return s.id().hashCode() * 0x9E3779B97F4A7C15L;
    }

    @ParameterizedTest(name = "dwconv forward NHWC {0} {1}")
    @MethodSource("cases")
    void dwconvForward_matchesReference(Backend backend, DepthwiseShape s) {
        var ctx = contexts.get(backend);
        DwProblem p = new DwProblem(s, seed(s), false);
        float[] ref = p.forward(contexts.get(Backend.REFERENCE));
        float[] got = p.forward(ctx);
        Numerics.assertClose(backend + " y " + s.id(), ref, got, FWD_ATOL, FWD_RTOL);
    }

    @ParameterizedTest(name = "dwconv backward NHWC {0} {1}")
    @MethodSource("cases")
    void dwconvBackward_matchesReference(Backend backend, DepthwiseShape s) {
        var ctx = contexts.get(backend);
        DwProblem p = new DwProblem(s, seed(s) + 1, false);
        DwProblem.Grads ref = p.backward(contexts.get(Backend.REFERENCE));
        DwProblem.Grads got = p.backward(ctx);
        Numerics.assertClose(backend + " dx " + s.id(), ref.dx(), got.dx(), FWD_ATOL, FWD_RTOL);
        Numerics.assertClose(backend + " dweight " + s.id(), ref.dw(), got.dw(),
                1e-4 + RED_ATOL_PER_SCALE * Numerics.maxAbs(ref.dw()), RED_RTOL);
        Numerics.assertClose(backend + " dt75 " + s.id(), ref.dt75(), got.dt75(),
                1e-4 + RED_ATOL_PER_SCALE * Numerics.maxAbs(ref.dt75()), RED_RTOL);
        Numerics.assertClose(backend + " dt53 " + s.id(), ref.dt53(), got.dt53(),
                1e-4 + RED_ATOL_PER_SCALE * Numerics.maxAbs(ref.dt53()), RED_RTOL);
        for (int i = 0; i < p.dw0.length; i++) {
            if (!p.touched(i)) {
                assertEquals(p.dw0[i], got.dw()[i], backend + " dweight outside the subnet slice is untouched, index " + i);
            }
        }
        if (!s.usesT75()) {
            Numerics.assertClose("dt75 unused -> untouched", p.dt750, got.dt75(), 0, 0);
        }
        if (!s.usesT53()) {
            Numerics.assertClose("dt53 unused -> untouched", p.dt530, got.dt53(), 0, 0);
        }
    }

    @Test
    void caseList_coversEveryKernelStrideTransformAndSize() {
        List<DepthwiseShape> shapes = shapes();
        Set<String> combos = new TreeSet<>();
        Set<Integer> cs = new TreeSet<>();
        Set<Integer> hs = new TreeSet<>();
        Set<Integer> ns = new TreeSet<>();
        for (DepthwiseShape s : shapes) {
            combos.add(s.k() + "/" + s.kMax() + "/" + s.stride() + "/" + s.transform());
            cs.add(s.c());
            hs.add(s.h());
            hs.add(s.w());
            ns.add(s.n());
        }
        assertEquals(24, combos.size(), combos.toString());
        assertTrue(cs.containsAll(List.of(37, 72, 120, 336)), cs.toString());
        assertTrue(hs.containsAll(List.of(7, 11, 13, 28)), hs.toString());
        assertTrue(ns.containsAll(List.of(1, 3)), ns.toString());
        assertTrue(shapes.stream().anyMatch(s -> s.h() != s.w()), "some cases are not square");
        assertTrue(shapes.stream().anyMatch(s -> s.cMax() > s.c()), "some cases slice channels");
    }
}
