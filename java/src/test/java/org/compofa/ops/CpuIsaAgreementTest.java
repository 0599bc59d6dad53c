package org.compofa.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.CpuIsa;
import org.compofa.testing.Numerics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CPU backend's AVX-512 and AVX2 kernels (chosen at load, forced here through the test-only
 * switch) agree within float rounding on seeded odd-sized problems, and the backend's description
 * names the ISA in use. They may round differently (other vector widths, other summation orders),
 * so the bound is per output: two sums of N terms, each within gamma_N * sum|terms| of the exact
 * value, differ by at most 2 gamma_N N max|a| max|b|, gamma_N = N u / (1 - N u), u = 2^-24.
 * Skipped where the CPU has no AVX-512.
 */
class CpuIsaAgreementTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();

    private static final double U = Math.ulp(1.0f) / 2;

    static List<DepthwiseShape> shapes() {
        return List.of(
                new DepthwiseShape(3, 13, 11, 37, 61, 7, 7, 1, KernelTransform.NONE),
                new DepthwiseShape(2, 28, 28, 72, 72, 3, 7, 2, KernelTransform.NONE),
                new DepthwiseShape(1, 11, 17, 120, 144, 5, 7, 1, KernelTransform.NONE),
                new DepthwiseShape(2, 15, 15, 336, 336, 5, 5, 2, KernelTransform.NONE),
                new DepthwiseShape(3, 9, 9, 83, 83, 3, 3, 1, KernelTransform.NONE));
    }

    @AfterEach
    void restore() {
        CpuIsa.restore();
    }

    /** Bound on the difference of two float evaluations of a sum of `terms` products of |a|, |b| at most. */
    static double bound(long terms, double maxA, double maxB) {
        double gamma = terms * U / (1 - terms * U);
        return 2 * gamma * terms * maxA * maxB;
    }

    @Test
    void depthwiseForwardAndBackward_agreeAcrossIsas() {
        assumeTrue(CpuIsa.set("avx512"), "SKIPPED: this CPU has no AVX-512");
        ComputeContext cpu = contexts.get(Backend.CPU);
        for (DepthwiseShape s : shapes()) {
            DwProblem p = new DwProblem(s, s.toString().hashCode(), false);
            assertTrue(CpuIsa.set("avx512"));
            float[] y512 = p.forward(cpu);
            DwProblem.Grads g512 = p.backward(cpu);
            assertTrue(CpuIsa.set("avx2"));
            float[] y2 = p.forward(cpu);
            DwProblem.Grads g2 = p.backward(cpu);

            double mx = Numerics.maxAbs(p.x), mw = Numerics.maxAbs(p.w), mdy = Numerics.maxAbs(p.dy);
            long taps = (long) s.k() * s.k();
            Numerics.assertClose("y " + s, y2, y512, bound(taps, mx, mw), 0);
            Numerics.assertClose("dx " + s, g2.dx(), g512.dx(), bound(taps, mdy, mw), 0);
            // dweight = existing gradient + a sum over the batch and every output pixel; +1 term: the add.
            long outputs = s.outputLength() / s.c();
            double mdw0 = Numerics.maxAbs(p.dw0);
            Numerics.assertClose("dweight " + s, g2.dw(), g512.dw(),
                    bound(outputs + 1, Math.max(mdy, 1), Math.max(mx, mdw0)), 0);
        }
    }

    /** In the pom's cpu-avx2-conformance execution: the override is active before any test runs. */
    @Test
    void forcedIsa_isTheOneInUse() {
        String forced = System.getProperty(CpuIsa.PROPERTY, "");
        assumeTrue(forced.equals("avx2"), "SKIPPED: no ISA forced in this JVM");
        assertTrue(Backend.CPU.describe().contains("kernels: AVX2 ("), Backend.CPU.describe());
    }

    @Test
    void describe_namesTheIsaInUse() {
        assumeTrue(CpuIsa.set("avx512"), "SKIPPED: this CPU has no AVX-512");
        String wide = Backend.CPU.describe();
        assertTrue(CpuIsa.set("avx2"));
        String narrow = Backend.CPU.describe();
        assertTrue(wide.contains("AVX-512"), wide);
        assertTrue(narrow.contains("AVX2") && !narrow.contains("AVX-512"), narrow);
    }
}
