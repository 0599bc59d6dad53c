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
                    + " floats; this op needs " + need + " (" + layout + Arrays.toString(shape) + ")");
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

    static long address(Tensor t) {
        return t == null ? 0 : t.address();
    }

    static long length(Tensor t) {
        return t == null ? 0 : t.length();
    }
}
