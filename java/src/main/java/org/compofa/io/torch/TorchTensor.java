package org.compofa.io.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

        /**
         * The storage class name in module {@code torch}, e.g. {@code FloatStorage}.
         *
         * @return e.g. FloatStorage
         */
        public String storageName() {
            return storageName;
        }

        /**
         * Bytes per element in the file.
         *
         * @return bytes per element
         */
        public int bytes() {
            return bytes;
        }

        /**
         * Whether tensors of this type are held as floats.
         *
         * @return true when floating
         */
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

    /**
     * The tensor of {@code shape} whose elements are the little-endian {@code type} values in
     * {@code bytes} (from its position; exactly {@code numel * type.bytes()} must remain): floating
     * types become floats (float16 and bfloat16 exactly, float64 rounded to nearest), integer and bool
     * types longs (bool as 0/1, uint8 unsigned). The buffer's position and order are not changed.
     *
     * @param type element type
     * @param shape dimensions
     * @param bytes little-endian values
     * @return the tensor
     * @throws IllegalArgumentException when the remaining bytes do not hold exactly the shape's elements
     */
    public static TorchTensor fromLittleEndian(ElementType type, int[] shape, ByteBuffer bytes) {
        long numel = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            numel = d == 0 || numel <= (Integer.MAX_VALUE - 8) / d ? numel * d : Integer.MAX_VALUE; // no overflow
        }
        if (numel > Integer.MAX_VALUE - 8 || (long) bytes.remaining() != numel * type.bytes()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + type + " needs "
                    + numel + " elements, " + bytes.remaining() + " bytes given");
        }
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) numel;
        if (type.floating()) {
            float[] f = new float[n];
            switch (type) {
                case FLOAT32 -> b.asFloatBuffer().get(f);
                case FLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        f[i] = Float.float16ToFloat(b.getShort(2 * i));
                    }
                }
                case BFLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        f[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                    }
                }
                default -> { // FLOAT64, rounded to nearest
                    for (int i = 0; i < n; i++) {
                        f[i] = (float) b.getDouble(8 * i);
                    }
                }
            }
            return new TorchTensor(type, shape, f, null);
        }
        long[] l = new long[n];
        switch (type) {
            case INT64 -> b.asLongBuffer().get(l);
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    l[i] = b.getInt(4 * i);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    l[i] = b.get(i) & 0xff;
                }
            }
            default -> { // BOOL
                for (int i = 0; i < n; i++) {
                    l[i] = b.get(i) != 0 ? 1 : 0;
                }
            }
        }
        return new TorchTensor(type, shape, null, l);
    }

    /**
     * Number of elements.
     *
     * @return the element count
     */
    public int numel() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * Whether the elements are held as floats.
     *
     * @return true when floating
     */
    public boolean isFloating() {
        return floats != null;
    }

    @Override
    public String toString() {
        return "TorchTensor[" + sourceType + " " + Arrays.toString(shape) + "]";
    }
}
