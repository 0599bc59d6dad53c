package org.compofa.runtime;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.compofa.bindings.BufferHandle;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.InvalidHandleException;
import org.compofa.bindings.NotSupportedException;
import org.compofa.bindings.RawOps;

/**
 * A dense float32 tensor in the memory of one {@link ComputeContext} (host memory on REFERENCE/CPU,
 * device memory on CUDA), with a shape and a {@link Layout}. Owned native memory: close it, or close
 * its context. Shape and layout are immutable; the contents change through ops and copies.
 *
 * <p>A {@link Layout#LABELS} tensor holds int32 class labels instead of floats: create it with
 * {@link #labels}, read it with {@link #toIntArray()}, write it with {@link #copyFrom(int[])}; the
 * float accessors refuse it.
 */
public final class Tensor implements AutoCloseable {
    private final ComputeContext context;
    private final Layout layout;
    private final int[] shape;
    private final long length;
    private final BufferHandle buffer;
    /** The tensor whose memory a view borrows; null for an owning tensor. */
    private final Tensor owner;
    private volatile boolean viewClosed;

    private Tensor(ComputeContext context, Layout layout, int[] shape, long length) {
        this.context = context;
        this.layout = layout;
        this.shape = shape;
        this.length = length;
        this.owner = null;
        this.buffer = BufferHandle.allocate(context.handle(), Math.multiplyExact(length, (long) Float.BYTES));
        try {
            context.register(this);
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    private Tensor(Tensor owner, Layout layout, int[] shape, long length) {
        this.context = owner.context;
        this.layout = layout;
        this.shape = shape;
        this.length = length;
        this.owner = owner;
        this.buffer = owner.buffer;
    }

    /**
     * A tensor of another layout and shape over the first elements of this one's memory (no copy),
     * so pools can reuse one allocation for many shapes. The view is valid while this tensor is
     * open; closing the view frees nothing.
     *
     * @param viewLayout layout of the view; not {@link Layout#LABELS}
     * @param viewShape shape of the view; its element count at most {@link #length()}
     * @return a view sharing this tensor's memory
     * @throws InvalidArgumentException when the shape does not fit the layout or needs more elements
     *                                  than this tensor holds, or either side is {@link Layout#LABELS}
     */
    public Tensor view(Layout viewLayout, int... viewShape) {
        checkOpen();
        if (viewLayout == null || viewLayout == Layout.LABELS || layout == Layout.LABELS) {
            throw new InvalidArgumentException("views are float tensors of a non-null, non-LABELS layout; asked "
                    + viewLayout + " of " + describeShape());
        }
        int[] s = viewShape == null ? null : viewShape.clone();
        long n = viewLayout.validate(s);
        if (n > length) {
            throw new InvalidArgumentException("view " + viewLayout + Arrays.toString(s) + " needs " + n
                    + " floats; " + describeShape() + " holds " + length);
        }
        return new Tensor(owner == null ? this : owner, viewLayout, s, n);
    }

    /**
     * A zero-filled tensor.
     *
     * @param context the context that allocates and owns it
     * @param layout how the dimensions are read
     * @param shape one size per dimension of the layout
     * @return a new tensor; close it (or its context) when done
     * @throws InvalidArgumentException when the shape does not fit the layout (rank, dims >= 1)
     */
    public static Tensor zeros(ComputeContext context, Layout layout, int... shape) {
        if (context == null || layout == null) {
            throw new InvalidArgumentException("context and layout must not be null");
        }
        int[] s = shape == null ? null : shape.clone();
        long length = layout.validate(s);
        return new Tensor(context, layout, s, length);
    }

    /**
     * A tensor holding a copy of {@code data}.
     *
     * @param context the context that allocates and owns it
     * @param layout how the dimensions are read
     * @param data the values, in the layout's order; length = element count of shape
     * @param shape one size per dimension of the layout
     * @return a new tensor; close it (or its context) when done
     * @throws InvalidArgumentException when the shape does not fit the layout or data.length differs
     *                                  from the element count of the shape
     */
    public static Tensor of(ComputeContext context, Layout layout, float[] data, int... shape) {
        if (data == null) {
            throw new InvalidArgumentException("data must not be null");
        }
        if (layout != null) {
            long count = layout.validate(shape);
            if (count != data.length) {
                throw new InvalidArgumentException("data holds " + data.length + " floats; shape "
                        + Arrays.toString(shape) + " needs " + count);
            }
        }
        Tensor t = zeros(context, layout, shape);
        try {
            t.copyFrom(data);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * A {@link Layout#LABELS} tensor of {@code labels.length} int32 values holding a copy of labels.
     *
     * @param context the context that allocates and owns it
     * @param labels class indices, copied
     * @return a new {@link Layout#LABELS} tensor of shape [labels.length]
     * @throws InvalidArgumentException when labels is null or empty
     */
    public static Tensor labels(ComputeContext context, int[] labels) {
        if (labels == null) {
            throw new InvalidArgumentException("labels must not be null");
        }
        Tensor t = zeros(context, Layout.LABELS, labels.length);
        try {
            t.copyFrom(labels);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * The owning context.
     *
     * @return the context that created this tensor
     */
    public ComputeContext context() {
        return context;
    }

    /**
     * The layout.
     *
     * @return the layout
     */
    public Layout layout() {
        return layout;
    }

    /**
     * A copy of the shape.
     *
     * @return a new array, one size per dimension
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * One dimension of the shape.
     *
     * @param index dimension index, 0 to rank() - 1
     * @return the size of that dimension
     */
    public int dim(int index) {
        return shape[index];
    }

    /**
     * Number of dimensions.
     *
     * @return the rank of the layout
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Number of elements (floats; int32s for {@link Layout#LABELS}).
     *
     * @return the element count, &gt;= 1
     */
    public long length() {
        return length;
    }

    /**
     * The address of the data (host or device), for raw ops and other JVM code. It stays valid only
     * while the tensor is open: a call that uses it while other threads may close the tensor takes it
     * through {@link OpScope#address(Tensor)} instead, which keeps the memory alive until the call ends.
     *
     * @return host or device address of the first element
     * @throws InvalidHandleException when the tensor is closed
     */
    public long address() {
        checkOpen();
        return buffer.dataAddress();
    }

    /**
     * The native buffer behind the tensor.
     *
     * @return the buffer (for a view, the owner's)
     */
    public BufferHandle buffer() {
        checkOpen();
        return buffer;
    }

    /**
     * Whether the tensor (or its context, or for a view its owner) is closed.
     *
     * @return true when it can no longer be used
     */
    public boolean isClosed() {
        return viewClosed || buffer.isClosed();
    }

    /**
     * The contents as a new array (waits for queued work on the context's default stream).
     *
     * @return the elements in layout order
     * @throws NotSupportedException for tensors of more than 2^31 - 16 floats
     */
    public float[] toArray() {
        checkOpen();
        checkFloat("toArray", "toIntArray()");
        if (length > Integer.MAX_VALUE - 16) {
            throw new NotSupportedException(describeShape() + " has " + length
                    + " floats; toArray allows at most 2^31 - 16");
        }
        float[] out = new float[(int) length];
        buffer.copyTo(0, out, 0, out.length);
        return out;
    }

    /**
     * Replaces the contents with {@code data}.
     *
     * @param data the new values, length() of them
     * @throws InvalidArgumentException when data.length differs from {@link #length()}
     */
    public void copyFrom(float[] data) {
        checkOpen();
        checkFloat("copyFrom(float[])", "copyFrom(int[])");
        if (data == null || data.length != length) {
            throw new InvalidArgumentException("copyFrom: data holds " + (data == null ? "null" : data.length + " floats")
                    + "; " + describeShape() + " needs exactly " + length);
        }
        buffer.copyFrom(data, 0, 0, data.length);
    }

    /**
     * Sets every element to {@code value} (on the context's default stream).
     *
     * @param value the value every element gets
     * @throws InvalidArgumentException for a {@link Layout#LABELS} tensor
     */
    public void fill(float value) {
        checkOpen();
        checkFloat("fill(float)", "copyFrom(int[])");
        try (OpScope op = context.op()) {
            RawOps.fill(op.context(), null, op.address(this), length, value);
        }
    }

    /**
     * The int32 contents of a {@link Layout#LABELS} tensor as a new array (waits for queued work on
     * the context's default stream).
     *
     * @return the labels in order
     * @throws InvalidArgumentException for a float tensor
     */
    public int[] toIntArray() {
        checkOpen();
        checkInt("toIntArray", "toArray()");
        int[] out = new int[(int) length];
        buffer.copyTo(0, MemorySegment.ofArray(out), null);
        return out;
    }

    /**
     * Replaces the int32 contents of a {@link Layout#LABELS} tensor with {@code data}.
     *
     * @param data the new labels, length() of them
     * @throws InvalidArgumentException for a float tensor, or when data.length differs from {@link #length()}
     */
    public void copyFrom(int[] data) {
        checkOpen();
        checkInt("copyFrom(int[])", "copyFrom(float[])");
        if (data == null || data.length != length) {
            throw new InvalidArgumentException("copyFrom: data holds " + (data == null ? "null" : data.length + " ints")
                    + "; " + describeShape() + " needs exactly " + length);
        }
        buffer.copyFrom(MemorySegment.ofArray(data), 0, null);
    }

    private void checkFloat(String op, String instead) {
        if (layout.isInt32()) {
            throw new InvalidArgumentException(op + " on " + describeShape() + ": it holds int32 labels; use "
                    + instead);
        }
    }

    private void checkInt(String op, String instead) {
        if (!layout.isInt32()) {
            throw new InvalidArgumentException(op + " on " + describeShape() + ": allowed only for LABELS (int32) "
                    + "tensors; use " + instead);
        }
    }

    /**
     * E.g. {@code NHWC[3, 13, 13, 37] on CPU#0}.
     *
     * @return the layout, shape and context in words
     */
    public String describeShape() {
        return layout + Arrays.toString(shape) + " on " + context;
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new InvalidHandleException("tensor " + describeShape() + " is closed");
        }
    }

    /**
     * Frees the memory (a view only stops being usable); a second call does nothing. Waits for the
     * running ops that use the memory; an op that starts later throws {@link InvalidHandleException}.
     *
     * @throws org.compofa.bindings.HandleBusyException when those ops did not end in time (the
     *                                                  tensor stays open)
     */
    @Override
    public void close() {
        if (owner != null) {
            viewClosed = true;
        } else {
            buffer.close();  // also waits for a close in progress on another thread
            context.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "Tensor " + describeShape() + (isClosed() ? " (closed)" : "");
    }
}
