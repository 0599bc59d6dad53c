package org.compofa.io.torch;

import java.util.Arrays;

/**
 * One tensor read from a PyTorch checkpoint: its shape (outermost dimension first, empty for a
 * scalar) and its elements in row-major order. Floating tensors are held as {@code float[]} (float16,
 * bfloat16 and float64 converted; {@link #sourceType()} says what the file held); integer and bool
 * tensors as {@code long[]}. Exactly one of {@link #floats()} and {@link #longs()} is non-null. The
 * arrays are owned by the record and not copied: do not modify them.
 *
 * @param sourceType the element type stored in the file
 * @param shape      the dimensions
 * @param floats     the elements of a floating tensor, else null
 * @param longs      the elements of an integer or bool tensor, else null
 */
public record TorchTensor(ElementType sourceType, int[] shape, float[] floats, long[] longs) {

    /** Element types of torch storages this reader accepts, with their size in bytes. */
    public enum ElementType {
        /** torch.float32 (FloatStorage). */
        FLOAT32("FloatStorage", 4, true),
        /** torch.float16 (HalfStorage). */
        FLOAT16("HalfStorage", 2, true),
        /** torch.bfloat16 (BFloat16Storage). */
        BFLOAT16("BFloat16Storage", 2, true),
        /** torch.float64 (DoubleStorage). */
        FLOAT64("DoubleStorage", 8, true),
        /** torch.int64 (LongStorage). */
        INT64("LongStorage", 8, false),
        /** torch.int32 (IntStorage). */
        INT32("IntStorage", 4, false),
        /** torch.uint8 (ByteStorage). */
        UINT8("ByteStorage", 1, false),
        /** torch.bool (BoolStorage). */
        BOOL("BoolStorage", 1, false);

        private final String storageName;
        private final int bytes;
        private final boolean floating;

        ElementType(String storageName, int bytes, boolean floating) {
            this.storageName = storageName;
            this.bytes = bytes;
            this.floating = floating;
        }

        /** The storage class name in module {@code torch}, e.g. {@code FloatStorage}. */
        public String storageName() {
            return storageName;
        }

        /** Bytes per element in the file. */
        public int bytes() {
            return bytes;
        }

        /** Whether tensors of this type are held as floats. */
        public boolean floating() {
            return floating;
        }

        /** The type whose storage class is {@code torch.<name>}, or null. */
        static ElementType ofStorageName(String name) {
            for (ElementType t : values()) {
                if (t.storageName.equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Checks that exactly one data array is present and that its length matches the shape. */
    public TorchTensor {
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("exactly one of floats and longs must be non-null");
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        int length = floats != null ? floats.length : longs.length;
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, data has " + length);
        }
    }

    /** Number of elements. */
    public int numel() {
        return floats != null ? floats.length : longs.length;
    }

    /** Whether the elements are held as floats. */
    public boolean isFloating() {
        return floats != null;
    }

    @Override
    public String toString() {
        return "TorchTensor[" + sourceType + " " + Arrays.toString(shape) + "]";
    }
}
