package org.compofa.bench;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/** Setup helpers shared by the benchmarks: the CPU context and seeded, never-zero inputs. */
final class Inputs {
    /** Seed of every random fill, so runs see the same data. */
    static final long SEED = 0xC0F0FAL;

    private Inputs() {}

    /** The CPU backend (thread pool + BLAS), with the default thread count (one per CPU). */
    static ComputeContext cpu() {
        return ComputeContext.open(Backend.CPU);
    }

    /** A tensor of uniform values in [-1, 1), written in place through its host segment. */
    static Tensor random(ComputeContext ctx, SplittableRandom rng, Layout layout, int... shape) {
        Tensor t = Tensor.zeros(ctx, layout, shape);
        MemorySegment seg = t.buffer().hostSegment();
        for (long i = 0; i < t.length(); i++) {
            seg.setAtIndex(JAVA_FLOAT, i, (float) (rng.nextDouble() * 2.0 - 1.0));
        }
        return t;
    }
}
