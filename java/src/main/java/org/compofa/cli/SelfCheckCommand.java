package org.compofa.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.compofa.ops.DepthwiseShape;
import org.compofa.ops.ElasticDepthwiseConv;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the elastic depthwise forward of every available production backend (CPU, CUDA) against the
 * REFERENCE backend at the w1.0 supernet's stage shapes (resolution 224, batch 1), the CompOFA fixed
 * kernels with and without OFA's kernel transform, and prints the worst error and the time.
 */
@Command(name = "selfcheck", description = "Production kernels vs the reference at the CompOFA stage shapes "
        + "(exit 1 on a mismatch).")
final class SelfCheckCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the random inputs")
    private long seed = 20261127L;

    /** Stage mid widths at e=6, spatial size at r=224, CompOFA fixed kernel; k_max 7. */
    private static final int[][] STAGES = {{144, 56, 3}, {240, 28, 5}, {480, 14, 3}, {672, 14, 3}, {960, 7, 5}};
    private static final double TOLERANCE = 1e-4;

    @Override
    public Integer call() {
        return run(Main.out(spec), seed);
    }

    static int run(PrintStream out, long seed) {
        List<Backend> backends = new ArrayList<>();
        for (Backend b : new Backend[] {Backend.CPU, Backend.CUDA}) {
            if (b.isAvailable()) backends.add(b);
            else out.println("selfcheck: " + b + " SKIPPED (" + b.describe() + ")");
        }
        out.printf("%-6s %-5s %-26s %-9s %12s %10s %10s%n", "stage", "back", "shape (n,h,w,c,k,stride)", "transform",
                "max rel err", "ms", "ref ms");
        int failures = 0;
        try (ComputeContext ref = ComputeContext.open(Backend.REFERENCE)) {
            for (Backend backend : backends) {
                try (ComputeContext ctx = ComputeContext.open(backend)) {
                    for (int s = 0; s < STAGES.length; s++) {
                        for (KernelTransform t : KernelTransform.values()) {
                            var shape = new DepthwiseShape(1, STAGES[s][1], STAGES[s][1], STAGES[s][0] - 8 * s - 1,
                                    STAGES[s][0], STAGES[s][2], 7, 1, t);
                            double[] result = compare(ref, ctx, shape, new SplittableRandom(seed + s));
                            boolean ok = result[0] <= TOLERANCE;
                            failures += ok ? 0 : 1;
                            out.printf("%-6d %-5s %-26s %-9s %12.2e %10.3f %10.3f %s%n", s + 1, backend,
                                    "(1," + shape.h() + "," + shape.w() + "," + shape.c() + "," + shape.k() + ",1)",
                                    t, result[0], result[1], result[2], ok ? "ok" : "FAIL");
                        }
                    }
                }
            }
        }
        out.println(failures == 0 ? "selfcheck: all kernels agree with the reference"
                : "selfcheck: " + failures + " mismatches");
        return failures == 0 ? 0 : 1;
    }

    /** Returns {worst |a-r|/(1+|r|), backend ms, reference ms} (ms of the op alone, best of 3). */
    private static double[] compare(ComputeContext ref, ComputeContext ctx, DepthwiseShape shape, SplittableRandom rnd) {
        float[] x = random(rnd, shape.inputLength());
        float[] w = random(rnd, shape.weightLength());
        float[] t75 = nearIdentity(rnd, 25);
        float[] t53 = nearIdentity(rnd, 9);
        double[] refMs = new double[1];
        double[] ms = new double[1];
        float[] expected = run(ref, shape, x, w, t75, t53, refMs);
        float[] actual = run(ctx, shape, x, w, t75, t53, ms);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
            worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
        }
        return new double[] {worst, ms[0], refMs[0]};
    }

    private static float[] run(ComputeContext ctx, DepthwiseShape shape, float[] x, float[] w, float[] t75,
                               float[] t53, double[] bestMs) {
        try (Tensor tx = Tensor.of(ctx, Layout.NHWC, x, shape.inputShape());
             Tensor tw = Tensor.of(ctx, Layout.DW_WEIGHT, w, shape.weightShape());
             Tensor m75 = Tensor.of(ctx, Layout.MATRIX, t75, 25, 25);
             Tensor m53 = Tensor.of(ctx, Layout.MATRIX, t53, 9, 9);
             Tensor y = Tensor.zeros(ctx, Layout.NHWC, shape.outputShape())) {
            bestMs[0] = Double.POSITIVE_INFINITY;
            for (int rep = 0; rep < 3; rep++) {
                long start = System.nanoTime();
                ElasticDepthwiseConv.forward(ctx, shape, tx, tw, m75, m53, y);
                ctx.synchronize();
                bestMs[0] = Math.min(bestMs[0], (System.nanoTime() - start) / 1e6);
            }
            return y.toArray();
        }
    }

    private static float[] random(SplittableRandom rnd, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }

    private static float[] nearIdentity(SplittableRandom rnd, int n) {
        float[] m = random(rnd, (long) n * n);
        for (int i = 0; i < m.length; i++) m[i] *= 0.05f;
        for (int i = 0; i < n; i++) m[i * n + i] += 1f;
        return m;
    }
}
