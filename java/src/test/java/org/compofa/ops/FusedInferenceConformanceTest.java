package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused inference ops on every production backend (CPU, CUDA; CUDA SKIPPED without a device)
 * against two independent references: the REFERENCE backend's fused op (naive loops, the epilogue
 * per element as written) and the same backend's unfused chain (GEMM or depthwise, bias add, eval
 * batch norm, activation as separate ops). Seeded random data of odd sizes, supernet-sized weights
 * and vectors (cMax > c), rows that span several of the CPU's 256-row blocks.
 */
@Tag("cuda")
class FusedInferenceConformanceTest {
    private static final double ATOL = 2e-5;
    private static final double RTOL = 2e-5;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();  // closed after the class's tests

    /** Which parts of the epilogue are on. */
    enum Parts {
        PLAIN(false, false, Activation.IDENTITY),
        BN_HSWISH(false, true, Activation.HSWISH),
        BN_RELU(false, true, Activation.RELU),
        BN_ONLY(false, true, Activation.IDENTITY),
        BIAS_HSIGMOID(true, false, Activation.HSIGMOID),
        BIAS_BN_HSWISH(true, true, Activation.HSWISH);

        final boolean bias;
        final boolean bn;
        final Activation act;

        Parts(boolean bias, boolean bn, Activation act) {
            this.bias = bias;
            this.bn = bn;
            this.act = act;
        }
    }

    /** Host values of the epilogue's vectors (length cMax), running_var > 0. */
    record Vectors(float[] bias, float[] gamma, float[] beta, float[] mean, float[] var) {
        static Vectors random(SplittableRandom rnd, int cMax) {
            float[] var = Numerics.uniform(rnd, cMax);
            for (int i = 0; i < cMax; i++) {
                var[i] = 0.05f + Math.abs(var[i]) * 2f;
            }
            return new Vectors(scaled(Numerics.uniform(rnd, cMax), 3f), Numerics.uniform(rnd, cMax),
                    Numerics.uniform(rnd, cMax), scaled(Numerics.uniform(rnd, cMax), 2f), var);
        }
    }

    /** The vectors as tensors on one context, closed together. */
    private record OnDevice(Tensor bias, Tensor gamma, Tensor beta, Tensor mean, Tensor var) implements AutoCloseable {
        static OnDevice of(ComputeContext ctx, Vectors v) {
            return new OnDevice(NnRunner.vec(ctx, v.bias()), NnRunner.vec(ctx, v.gamma()), NnRunner.vec(ctx, v.beta()),
                    NnRunner.vec(ctx, v.mean()), NnRunner.vec(ctx, v.var()));
        }

        Epilogue epilogue(Parts p) {
            var bn = p.bn ? new Epilogue.BatchNormEval(gamma, beta, mean, var, 1e-5f) : null;
            return new Epilogue(p.bias ? bias : null, bn, p.act);
        }

        /** The unfused chain on y in place: bias add, eval batch norm, activation. */
        void unfused(ComputeContext ctx, Parts p, Tensor y) {
            if (p.bias) {
                ChannelOps.biasAdd(ctx, y, bias);
            }
            if (p.bn) {
                try (Tensor t = Tensor.zeros(ctx, y.layout(), y.shape())) {
                    BatchNorm.forwardEval(ctx, new BatchNorm.Params(0.1f, 1e-5f), y, gamma, beta, mean, var, t);
                    y.copyFrom(t.toArray());
                }
            }
            p.act.forward(ctx, y, y);
        }

        @Override
        public void close() {
            for (Tensor t : List.of(bias, gamma, beta, mean, var)) {
                t.close();
            }
        }
    }

    private static float[] scaled(float[] a, float s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
        return a;
    }

    private static Stream<Arguments> withBackends(List<?> cases) {
        return Stream.of(Backend.CPU, Backend.CUDA).flatMap(b -> cases.stream().map(c -> Arguments.of(b, c)));
    }

    // ---- 1x1 convolution --------------------------------------------------------------------

    record ConvCase(int[] xShape, int cout, int cinMax, int coutMax, Parts parts) {
        int cin() {
            return xShape[xShape.length - 1];
        }

        int[] yShape() {
            int[] s = xShape.clone();
            s[s.length - 1] = cout;
            return s;
        }

        @Override
        public String toString() {
            return "conv" + Arrays.toString(xShape).replace(", ", "x") + "_to" + cout + "_of" + coutMax + "x" + cinMax
                    + "_" + parts;
        }
    }

    static Stream<Arguments> convCases() {
        return withBackends(Stream.of(
                new ConvCase(new int[] {3, 13, 13, 37}, 48, 40, 53, Parts.BN_HSWISH),   // 507 rows: 2 blocks
                new ConvCase(new int[] {5, 15, 15, 24}, 72, 24, 72, Parts.BN_RELU),    // 1125 rows: 5 blocks
                new ConvCase(new int[] {1, 7, 7, 120}, 41, 144, 48, Parts.BN_ONLY),
                new ConvCase(new int[] {1, 1, 1, 17}, 11, 17, 16, Parts.BIAS_HSIGMOID),
                new ConvCase(new int[] {9, 83}, 10, 96, 10, Parts.BIAS_BN_HSWISH),
                new ConvCase(new int[] {2, 9, 11, 29}, 33, 30, 35, Parts.PLAIN)).map(c -> Named.of(c.toString(), c))
                .toList());
    }

    private static float[] conv(ComputeContext ctx, ConvCase c, float[] x, float[] w, Vectors v, boolean fused) {
        try (Tensor tx = NnRunner.of(ctx, x, c.xShape()); Tensor tw = Tensor.of(ctx, Layout.MATRIX, w, c.coutMax(),
                c.cinMax()); Tensor y = NnRunner.nan(ctx, c.yShape()); OnDevice d = OnDevice.of(ctx, v)) {
            if (fused) {
                FusedInference.conv1x1(ctx, tx, tw, c.cin(), c.cout(), d.epilogue(c.parts()), y);
            } else {
                SliceGemm.conv1x1Forward(ctx, tx, tw, c.cin(), c.cout(), y);
                d.unfused(ctx, c.parts(), y);
            }
            return y.toArray();
        }
    }

    @ParameterizedTest(name = "fused conv1x1 {0} {1}")
    @MethodSource("convCases")
    void conv1x1_matchesReferenceAndUnfusedChain(Backend backend, ConvCase c) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        SplittableRandom rnd = new SplittableRandom(c.toString().hashCode());
        float[] x = Numerics.uniform(rnd, Arrays.stream(c.xShape()).reduce(1, (a, b) -> a * b));
        float[] w = Numerics.uniform(rnd, c.coutMax() * c.cinMax());
        Vectors v = Vectors.random(rnd, Math.max(c.coutMax(), c.cout()));
        float[] expected = conv(ref, c, x, w, v, true);
        Numerics.assertClose(backend + " fused vs reference " + c, expected, conv(ctx, c, x, w, v, true), ATOL, RTOL);
        Numerics.assertClose(backend + " fused vs unfused chain " + c, conv(ctx, c, x, w, v, false),
                conv(ctx, c, x, w, v, true), ATOL, RTOL);
    }

    // ---- depthwise --------------------------------------------------------------------------

    record DwCase(DepthwiseShape s, Parts parts) {
        @Override
        public String toString() {
            return "dw_" + s.n() + "x" + s.h() + "x" + s.w() + "_c" + s.c() + "of" + s.cMax() + "_k" + s.k() + "of"
                    + s.kMax() + "_s" + s.stride() + "_" + s.transform() + "_" + parts;
        }
    }

    static Stream<Arguments> dwCases() {
        return withBackends(Stream.of(
                new DwCase(new DepthwiseShape(3, 13, 13, 37, 48, 5, 7, 1, KernelTransform.OFA), Parts.BN_HSWISH),
                new DwCase(new DepthwiseShape(2, 15, 11, 72, 72, 3, 7, 2, KernelTransform.NONE), Parts.BN_RELU),
                new DwCase(new DepthwiseShape(1, 7, 7, 120, 136, 7, 7, 1, KernelTransform.NONE), Parts.BN_ONLY),
                new DwCase(new DepthwiseShape(2, 9, 9, 36, 40, 3, 5, 2, KernelTransform.OFA), Parts.BIAS_BN_HSWISH),
                new DwCase(new DepthwiseShape(1, 5, 6, 13, 16, 5, 5, 1, KernelTransform.NONE), Parts.PLAIN))
                .map(c -> Named.of(c.toString(), c)).toList());
    }

    private static float[] depthwise(ComputeContext ctx, DwCase c, DwProblem p, Vectors v, boolean fused) {
        DepthwiseShape s = c.s();
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, p.x, s.inputShape());
             Tensor tw = Tensor.of(ctx, Layout.DW_WEIGHT, p.w, s.weightShape());
             Tensor a = Tensor.of(ctx, Layout.MATRIX, p.t75, 25, 25);
             Tensor b = Tensor.of(ctx, Layout.MATRIX, p.t53, 9, 9);
             Tensor y = NnRunner.nan(ctx, s.outputShape()); OnDevice d = OnDevice.of(ctx, v)) {
            if (fused) {
                FusedInference.depthwise(ctx, s, tx, tw, a, b, d.epilogue(c.parts()), y);
            } else {
                ElasticDepthwiseConv.forward(ctx, s, tx, tw, a, b, y);
                d.unfused(ctx, c.parts(), y);
            }
            return y.toArray();
        }
    }

    @ParameterizedTest(name = "fused depthwise {0} {1}")
    @MethodSource("dwCases")
    void depthwise_matchesReferenceAndUnfusedChain(Backend backend, DwCase c) {
        ComputeContext ctx = contexts.get(backend);
        ComputeContext ref = contexts.get(Backend.REFERENCE);
        DwProblem p = new DwProblem(c.s(), c.toString().hashCode(), true);
        Vectors v = Vectors.random(new SplittableRandom(c.toString().hashCode() + 1L), c.s().cMax());
        float[] expected = depthwise(ref, c, p, v, true);
        Numerics.assertClose(backend + " fused vs reference " + c, expected, depthwise(ctx, c, p, v, true), ATOL, RTOL);
        Numerics.assertClose(backend + " fused vs unfused chain " + c, depthwise(ctx, c, p, v, false),
                depthwise(ctx, c, p, v, true), ATOL, RTOL);
    }

    // ---- bad input --------------------------------------------------------------------------

    @Test
    void badEpilogues_areRefusedWithTypedExceptions() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Tensor x = Tensor.zeros(ctx, Layout.MATRIX, 5, 8); Tensor w = Tensor.zeros(ctx, Layout.MATRIX, 6, 8);
             Tensor y = Tensor.zeros(ctx, Layout.MATRIX, 5, 6); Tensor shortVec = Tensor.zeros(ctx, Layout.VECTOR, 4);
             Tensor ok = Tensor.zeros(ctx, Layout.VECTOR, 6)) {
            assertThrows(InvalidArgumentException.class, () -> new Epilogue(null, null, null));
            assertThrows(InvalidArgumentException.class,
                    () -> new Epilogue.BatchNormEval(ok, ok, ok, ok, 0f));
            assertThrows(InvalidArgumentException.class,
                    () -> new Epilogue.BatchNormEval(ok, ok, null, ok, 1e-5f));
            var shortBn = Epilogue.of(new Epilogue.BatchNormEval(ok, ok, shortVec, ok, 1e-5f), Activation.RELU);
            assertThrows(BufferTooSmallException.class, () -> FusedInference.conv1x1(ctx, x, w, 8, 6, shortBn, y));
            var shortBias = new Epilogue(shortVec, null, Activation.IDENTITY);
            assertThrows(BufferTooSmallException.class, () -> FusedInference.conv1x1(ctx, x, w, 8, 6, shortBias, y));
            var plain = Epilogue.of(Activation.IDENTITY);
            assertThrows(InvalidArgumentException.class, () -> FusedInference.conv1x1(ctx, x, w, 8, 7, plain, y));
            try (Tensor square = Tensor.zeros(ctx, Layout.MATRIX, 8, 8)) {  // in place: y == x
                assertThrows(InvalidArgumentException.class,
                        () -> FusedInference.conv1x1(ctx, x, square, 8, 8, plain, x));
            }
        }
    }
}
