package org.compofa.runtime;

import org.compofa.bindings.BufferHandle;
import org.compofa.bindings.ContextHandle;
import org.compofa.bindings.InvalidHandleException;

/**
 * The native handles one op passes to the library, held from before its downcall until it returns:
 * the context's, and the buffer of every tensor whose address the op takes through
 * {@link #address(Tensor)}. While they are held, closing the context or a tensor (from any thread)
 * waits instead of freeing memory the op uses; an op that starts after a close began gets
 * {@link InvalidHandleException}. Open one per op with {@link ComputeContext#op()}, in a
 * try-with-resources around the downcall. Not shared between threads.
 */
public final class OpScope implements AutoCloseable {
    private final ContextHandle context;
    private BufferHandle[] held = new BufferHandle[8];
    private int count;

    OpScope(ContextHandle context) {
        context.acquire();
        this.context = context;
    }

    /**
     * The context's native handle, for the downcall.
     *
     * @return the handle, held until this scope closes
     */
    public ContextHandle context() {
        return context;
    }

    /**
     * The address of {@code tensor}'s data, its buffer held until {@link #close()}.
     *
     * @param tensor an open tensor of this scope's context
     * @return the data address (host or device), valid until {@link #close()}
     * @throws InvalidHandleException when the tensor (or for a view, its owner) is closed or closing
     */
    public long address(Tensor tensor) {
        BufferHandle buffer = tensor.buffer();
        buffer.acquire();
        if (count == held.length) {
            held = java.util.Arrays.copyOf(held, count * 2);
        }
        held[count++] = buffer;
        return buffer.dataAddress();
    }

    /**
     * {@link #address(Tensor)}, or 0 (NULL) for a null tensor: optional arguments.
     *
     * @param tensor an open tensor, or null
     * @return its data address, or 0 for null
     */
    public long addressOrZero(Tensor tensor) {
        return tensor == null ? 0 : address(tensor);
    }

    /** Releases every handle this scope holds; a waiting close may then proceed. */
    @Override
    public void close() {
        while (count > 0) {
            held[--count].release();
        }
        context.release();
    }
}
