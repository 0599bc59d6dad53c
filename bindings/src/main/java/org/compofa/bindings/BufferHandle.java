package org.compofa.bindings;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@code compofa_buffer}: zero-filled, 256-byte aligned memory of a context, host memory on the
 * REFERENCE and CPU backends and device memory on CUDA. {@link #dataAddress()} is the raw address to
 * pass to ops (and to other code, e.g. as a device pointer); it stays valid while a use of the handle
 * is held ({@link #acquire()}), since {@link #close()} waits for running uses before freeing. The
 * copy methods hold a use while they run.
 */
public final class BufferHandle extends NativeHandle {
    private static final long FLOAT = Float.BYTES;

    private final ContextHandle context;
    private final long dataAddress;
    private final long bytes;

    private BufferHandle(MemorySegment handle, ContextHandle context) {
        super("buffer", handle);
        this.context = context;
        CompofaNative.Region region = CompofaNative.bufferAddress(handle);
        this.dataAddress = region.address();
        this.bytes = region.bytes();
    }

    /**
     * Allocates a zero-filled buffer.
     *
     * @param bytes 1 .. 2^46
     * @param context the context that owns the memory
     * @return the buffer; close it when done
     * @throws NativeOutOfMemoryException when the host or device is out of memory
     */
    public static BufferHandle allocate(ContextHandle context, long bytes) {
        MemorySegment handle;
        context.acquire();
        try {
            handle = CompofaNative.bufferAlloc(context.segment(), bytes);
        } finally {
            context.release();
        }
        try {
            return new BufferHandle(handle, context);
        } catch (RuntimeException e) {
            CompofaNative.bufferFree(handle);
            throw e;
        }
    }

    /**
     * The context that owns the memory.
     *
     * @return the owning context
     */
    public ContextHandle context() {
        return context;
    }

    /**
     * Size in bytes.
     *
     * @return size in bytes
     */
    public long bytes() {
        return bytes;
    }

    /**
     * Size in floats (bytes / 4).
     *
     * @return size in floats
     */
    public long floats() {
        return bytes / FLOAT;
    }

    /**
     * The address of the memory (host or device).
     *
     * @return host or device address
     * @throws InvalidHandleException when the buffer is closed
     */
    public long dataAddress() {
        address();
        return dataAddress;
    }

    /**
     * The memory as a segment of {@link #bytes()} bytes: host backends only (device memory is not readable).
     *
     * @return a host segment of {@link #bytes()} bytes
     */
    public MemorySegment hostSegment() {
        if (!context.isHost()) {
            throw new WrongBackendException("buffer holds CUDA device memory; only REFERENCE and CPU buffers are host memory");
        }
        return MemorySegment.ofAddress(dataAddress()).reinterpret(bytes);
    }

    /**
     * Copies all of {@code src} (host memory; heap segments are staged) into this buffer at
     * {@code dstOffset} bytes. Returns when {@code src} may be reused.
     *
     * @param stream the stream to order the copy on, or null for the context's default stream
     * @param src host memory to copy
     * @param dstOffset byte offset in this buffer, &gt;= 0
     */
    public void copyFrom(MemorySegment src, long dstOffset, StreamHandle stream) {
        acquire();
        try {
            acquireIfPresent(stream);
            try {
                copyFromHeld(src, dstOffset, stream);
            } finally {
                releaseIfPresent(stream);
            }
        } finally {
            release();
        }
    }

    private void copyFromHeld(MemorySegment src, long dstOffset, StreamHandle stream) {
        if (src.isNative()) {
            CompofaNative.copyToBuffer(segment(), dstOffset, src, src.byteSize(), segmentOrNull(stream));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(1, src.byteSize()), 16);
            MemorySegment.copy(src, 0, staged, 0, src.byteSize());
            CompofaNative.copyToBuffer(segment(), dstOffset, staged.asSlice(0, src.byteSize()), src.byteSize(),
                    segmentOrNull(stream));
        }
    }

    /**
     * Copies {@code dst.byteSize()} bytes from this buffer at {@code srcOffset} bytes into {@code dst}
     * (host memory; heap segments are staged). Returns when {@code dst} may be read.
     *
     * @param stream the stream to order the copy on, or null for the context's default stream
     * @param srcOffset byte offset in this buffer, &gt;= 0
     * @param dst host memory to fill
     */
    public void copyTo(long srcOffset, MemorySegment dst, StreamHandle stream) {
        acquire();
        try {
            acquireIfPresent(stream);
            try {
                copyToHeld(srcOffset, dst, stream);
            } finally {
                releaseIfPresent(stream);
            }
        } finally {
            release();
        }
    }

    private void copyToHeld(long srcOffset, MemorySegment dst, StreamHandle stream) {
        if (dst.isNative()) {
            CompofaNative.copyFromBuffer(segment(), srcOffset, dst, dst.byteSize(), segmentOrNull(stream));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(Math.max(1, dst.byteSize()), 16);
            CompofaNative.copyFromBuffer(segment(), srcOffset, staged.asSlice(0, dst.byteSize()), dst.byteSize(),
                    segmentOrNull(stream));
            MemorySegment.copy(staged, 0, dst, 0, dst.byteSize());
        }
    }

    /**
     * Copies {@code count} floats of {@code src} from {@code srcIndex} into this buffer at float index
     * {@code dstIndex}, on the default stream; returns when {@code src} may be reused.
     *
     * @param src the floats
     * @param srcIndex first index read in src
     * @param dstIndex first float index written in this buffer
     * @param count floats to copy, &gt;= 0
     * @throws InvalidArgumentException  when the array range is outside {@code src}
     * @throws BufferTooSmallException   when the buffer range is outside this buffer
     */
    public void copyFrom(float[] src, int srcIndex, long dstIndex, int count) {
        checkArrayRange("src", src, srcIndex, count);
        checkBufferRange(dstIndex, count);
        if (count == 0) {
            return;
        }
        acquire();
        try {
            copyFromHeld(src, srcIndex, dstIndex, count);
        } finally {
            release();
        }
    }

    private void copyFromHeld(float[] src, int srcIndex, long dstIndex, int count) {
        if (context.isHost()) {
            MemorySegment.copy(src, srcIndex, hostSegment(), JAVA_FLOAT_UNALIGNED, dstIndex * FLOAT, count);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(count * FLOAT, 16);
            MemorySegment.copy(src, srcIndex, staged, JAVA_FLOAT_UNALIGNED, 0, count);
            CompofaNative.copyToBuffer(segment(), dstIndex * FLOAT, staged, count * FLOAT, MemorySegment.NULL);
        }
    }

    /**
     * Copies {@code count} floats of this buffer from float index {@code srcIndex} into {@code dst} at
     * {@code dstIndex}, on the default stream, after the work queued before it there.
     *
     * @param srcIndex first float index read in this buffer
     * @param dst the array to fill
     * @param dstIndex first index written in dst
     * @param count floats to copy, &gt;= 0
     * @throws InvalidArgumentException  when the array range is outside {@code dst}
     * @throws BufferTooSmallException   when the buffer range is outside this buffer
     */
    public void copyTo(long srcIndex, float[] dst, int dstIndex, int count) {
        checkArrayRange("dst", dst, dstIndex, count);
        checkBufferRange(srcIndex, count);
        if (count == 0) {
            return;
        }
        acquire();
        try {
            copyToHeld(srcIndex, dst, dstIndex, count);
        } finally {
            release();
        }
    }

    private void copyToHeld(long srcIndex, float[] dst, int dstIndex, int count) {
        if (context.isHost()) {
            MemorySegment.copy(hostSegment(), JAVA_FLOAT_UNALIGNED, srcIndex * FLOAT, dst, dstIndex, count);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(count * FLOAT, 16);
            CompofaNative.copyFromBuffer(segment(), srcIndex * FLOAT, staged, count * FLOAT, MemorySegment.NULL);
            MemorySegment.copy(staged, JAVA_FLOAT_UNALIGNED, 0, dst, dstIndex, count);
        }
    }

    /**
     * Copies {@code bytes} bytes from {@code src} at {@code srcOffset} into this buffer at
     * {@code dstOffset}; both buffers must belong to the same backend and device.
     *
     * @param src the buffer read, of the same context
     * @param srcOffset byte offset in src, &gt;= 0
     * @param dstOffset byte offset in this buffer, &gt;= 0
     * @param bytes bytes to copy, &gt;= 0
     * @param stream the stream to copy on, or null for the default stream
     */
    public void copyFrom(BufferHandle src, long srcOffset, long dstOffset, long bytes, StreamHandle stream) {
        acquire();
        try {
            src.acquire();
            try {
                acquireIfPresent(stream);
                try {
                    CompofaNative.copyBuffer(segment(), dstOffset, src.segment(), srcOffset, bytes, segmentOrNull(stream));
                } finally {
                    releaseIfPresent(stream);
                }
            } finally {
                src.release();
            }
        } finally {
            release();
        }
    }

    private static void checkArrayRange(String name, float[] array, int index, int count) {
        if (array == null) {
            throw new InvalidArgumentException(name + " array is null");
        }
        if (index < 0 || count < 0 || index > array.length - count) {
            throw new InvalidArgumentException(name + " range [" + index + ", " + index + "+" + count
                    + ") is outside the array of " + array.length + " floats; allowed 0 <= index, 0 <= count, "
                    + "index + count <= length");
        }
    }

    private void checkBufferRange(long index, int count) {
        address();
        if (index < 0 || index > floats() - count) {
            throw new BufferTooSmallException("buffer range [" + index + ", " + index + "+" + count
                    + ") floats is outside the buffer of " + floats() + " floats");
        }
    }

    @Override
    void destroy(MemorySegment handle) {
        CompofaNative.bufferFree(handle);
    }

    @Override
    public String toString() {
        return super.toString() + "(" + bytes + " bytes, backend " + context.backend() + ")";
    }
}
