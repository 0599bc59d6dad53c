package org.compofa.ops;

import java.util.Arrays;

import org.compofa.bindings.BufferTooSmallException;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/** The Java-side argument checks shared by the ops (the library checks again). */
final class Args {
    private Args() {}

    static void context(ComputeContext ctx) {
        if (ctx == null) {
            throw new InvalidArgumentException("context is null");
        }
    }

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new InvalidArgumentException(name + " is null");
        }
        return value;
    }

    /**
     * A required tensor of exactly {@code shape} in {@code layout}, owned by ctx: null, closed, foreign,
     * too small, wrong layout and wrong shape each give their typed exception.
     */
    static void tensor(ComputeContext ctx, String name, Tensor t, Layout layout, int[] shape) {
        long need = 1;
        for (int d : shape) {
            need *= d;
        }
        if (t == null) {
            throw new InvalidArgumentException(name + " is null; this op needs " + layout + Arrays.toString(shape));
        }
        ctx.checkOwns(name, t);
        if (t.layout() != layout) {
            throw new InvalidArgumentException(name + " has layout " + t.layout() + "; this op needs " + layout
                    + Arrays.toString(shape) + " " + layout.dims());
        }
        if (t.length() < need) {
            throw new BufferTooSmallException(name + " " + t.describeShape() + " holds " + t.length()
                    + (t.layout().isInt32() ? " int32s" : " floats") + "; this op needs " + need + " (" + layout
                    + Arrays.toString(shape) + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new InvalidArgumentException(name + " has shape " + Arrays.toString(t.shape())
                    + "; this op needs exactly " + layout + Arrays.toString(shape));
        }
    }

    /** Like {@link #tensor} for an optional argument: returns false (skip) for null. */
    static boolean optional(ComputeContext ctx, String name, Tensor t, Layout layout, int[] shape) {
        if (t == null) {
            return false;
        }
        tensor(ctx, name, t, layout, shape);
        return true;
    }

    /** An output must not be the same tensor as an input. */
    static void distinct(String out, Tensor o, String in, Tensor i) {
        if (o != null && o == i) {
            throw new InvalidArgumentException(out + " and " + in + " are the same tensor; the op does not "
                    + "work in place, pass a separate output");
        }
    }

    /**
     * Activations whose last dimension is the channel count, owned by ctx: NHWC [n][h][w][c] or
     * MATRIX [rows][c]. Returns c.
     */
    static int channelsLast(ComputeContext ctx, String name, Tensor t) {
        if (t == null) {
            throw new InvalidArgumentException(name + " is null; this op needs NHWC [n][h][w][c] or MATRIX [rows][c]");
        }
        ctx.checkOwns(name, t);
        if (t.layout() != Layout.NHWC && t.layout() != Layout.MATRIX) {
            throw new InvalidArgumentException(name + " has layout " + t.layout()
                    + "; allowed NHWC [n][h][w][c] or MATRIX [rows][c]");
        }
        return t.dim(t.rank() - 1);
    }

    /** An NHWC tensor owned by ctx; returns its shape {n, h, w, c}. */
    static int[] nhwc(ComputeContext ctx, String name, Tensor t) {
        notNull(name, t);
        ctx.checkOwns(name, t);
        if (t.layout() != Layout.NHWC) {
            throw new InvalidArgumentException(name + " has layout " + t.layout() + "; this op needs NHWC [n][h][w][c]");
        }
        return t.shape();
    }

    /** A tensor of exactly the layout and shape of {@code ref} (named refName in the message). */
    static void sameAs(ComputeContext ctx, String name, Tensor t, String refName, Tensor ref) {
        if (t != null && t.layout() == ref.layout() && !Arrays.equals(t.shape(), ref.shape())) {
            ctx.checkOwns(name, t);
            throw new InvalidArgumentException(name + " has shape " + Arrays.toString(t.shape()) + "; it must have the"
                    + " shape of " + refName + " " + ref.layout() + Arrays.toString(ref.shape()));
        }
        tensor(ctx, name, t, ref.layout(), ref.shape());
    }

    /**
     * A supernet vector of which the op reads or writes the first {@code c} entries: VECTOR [cMax]
     * with cMax >= c, owned by ctx.
     */
    static void vectorAtLeast(ComputeContext ctx, String name, Tensor t, int c) {
        if (t == null) {
            throw new InvalidArgumentException(name + " is null; this op needs VECTOR [cMax] with cMax >= " + c);
        }
        ctx.checkOwns(name, t);
        if (t.layout() != Layout.VECTOR) {
            throw new InvalidArgumentException(name + " has layout " + t.layout() + "; allowed VECTOR [cMax] with cMax >= "
                    + c + " (the op uses its first " + c + " entries)");
        }
        if (t.length() < c) {
            throw new BufferTooSmallException(name + " " + t.describeShape() + " holds " + t.length()
                    + " floats; this op uses its first c=" + c);
        }
    }

    /**
     * The outputs of a training convolution that gathers batch statistics: {@code t} (named
     * {@code name}) has at least 2 positions, and batchMean/batchVar are supernet vectors of at least c.
     */
    static void batchStatistics(ComputeContext ctx, String name, Tensor t, long positions, Tensor batchMean,
                                Tensor batchVar, int c) {
        if (positions < 2) {
            throw new InvalidArgumentException(name + " " + t.describeShape() + " has " + positions
                    + " position(s); batch statistics need at least 2");
        }
        vectorAtLeast(ctx, "batchMean", batchMean, c);
        vectorAtLeast(ctx, "batchVar", batchVar, c);
    }

    /** A float tensor of any layout (not LABELS), owned by ctx. */
    static void floats(ComputeContext ctx, String name, Tensor t) {
        if (t == null) {
            throw new InvalidArgumentException(name + " is null");
        }
        ctx.checkOwns(name, t);
        if (t.layout().isInt32()) {
            throw new InvalidArgumentException(name + " " + t.describeShape() + " holds int32 labels; this op needs floats");
        }
    }

    /** A finite float. */
    static void finite(String name, float v) {
        if (!Float.isFinite(v)) {
            throw new InvalidArgumentException(name + "=" + v + ": must be finite");
        }
    }

    /** {@code lo <= v <= hi}, or {@code lo <= v < hi} when not hiInclusive; NaN is outside. */
    static void range(String name, float v, float lo, float hi, boolean hiInclusive) {
        if (!(v >= lo && (hiInclusive ? v <= hi : v < hi))) {
            throw new InvalidArgumentException(name + "=" + v + ": allowed " + lo + " <= " + name
                    + (hiInclusive ? " <= " : " < ") + hi);
        }
    }

    /** Smallest length of the non-null tensors (the ABI takes one length for several vectors). */
    static long minLength(Tensor... ts) {
        long m = Long.MAX_VALUE;
        for (Tensor t : ts) {
            if (t != null) {
                m = Math.min(m, t.length());
            }
        }
        return m == Long.MAX_VALUE ? 0 : m;
    }

    /** Every output distinct from every input and from the other outputs (nulls ignored). */
    static void allDistinct(Tensor[] outputs, String[] outNames, Tensor[] inputs, String[] inNames) {
        for (int o = 0; o < outputs.length; o++) {
            for (int i = 0; i < inputs.length; i++) {
                distinct(outNames[o], outputs[o], inNames[i], inputs[i]);
            }
            for (int p = o + 1; p < outputs.length; p++) {
                distinct(outNames[o], outputs[o], outNames[p], outputs[p]);
            }
        }
    }

    static long length(Tensor t) {
        return t == null ? 0 : t.length();
    }
}
