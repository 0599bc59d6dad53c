package org.compofa.train;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One named float tensor of a checkpoint: a parameter, a batch-norm statistic or an optimizer
 * buffer ({@code momentum/<name>}).
 *
 * <p>The values array is <em>not</em> copied (checkpoints hold tens of megabytes): the caller must
 * not change it while the checkpoint is in use. Equality compares values bit for bit.
 *
 * @param name non-empty, at most {@value #MAX_NAME_BYTES} UTF-8 bytes, no control characters
 * @param shape dimensions, each at least 0, at most {@value #MAX_RANK} of them (rank 0 = scalar)
 * @param values row-major values, exactly the product of {@code shape} of them
 */
public record NamedArray(String name, int[] shape, float[] values) {
    /** Longest name in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;
    /** Largest rank. */
    public static final int MAX_RANK = 8;

    /** Checks the name and that the shape matches the values. */
    public NamedArray {
        checkName(name);
        if (shape == null || values == null) {
            throw new IllegalArgumentException("array '" + name + "': shape and values must not be null");
        }
        shape = shape.clone();
        long count = elementCount(name, shape);
        if (count != values.length) {
            throw new IllegalArgumentException("array '" + name + "' has shape " + Arrays.toString(shape) + " ("
                    + count + " elements) but " + values.length + " values");
        }
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("array name '" + name + "' must be 1 to " + MAX_NAME_BYTES
                    + " UTF-8 bytes without control characters");
        }
    }

    /** Product of the dimensions, checked for rank, negative sizes and overflow past an array's length. */
    static long elementCount(String name, int[] shape) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("array '" + name + "' has rank " + shape.length + ": at most "
                    + MAX_RANK + " allowed");
        }
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("array '" + name + "' has a negative dimension in "
                        + Arrays.toString(shape));
            }
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("array '" + name + "' with shape " + Arrays.toString(shape)
                        + " is too large for one Java array");
            }
        }
        return count;
    }

    /**
     * A copy of the shape.
     *
     * @return a copy of the shape
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Whether the shape equals {@code expected}.
     *
     * @param expected the shape to compare with
     * @return true when the shapes are equal
     */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NamedArray a) || !name.equals(a.name) || !Arrays.equals(shape, a.shape)
                || values.length != a.values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(a.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "NamedArray[" + name + " " + Arrays.toString(shape) + "]";
    }
}
