package org.compofa.bindings;

import java.lang.foreign.MemorySegment;

/**
 * A {@code compofa_comm}: the processes of a job (or this one alone) and collectives over float32
 * data in the memory of one context. Closing it is collective for a world (every process closes its
 * own); the context must outlive it. Its methods hold a use of the handle while they run (see
 * {@link NativeHandle}).
 */
public final class CommHandle extends NativeHandle {
    private final ContextHandle context;
    private final int rank;
    private final int size;
    private final int localRank;
    private final int transport;

    private CommHandle(MemorySegment handle, ContextHandle context) {
        super("communicator", handle);
        this.context = context;
        this.rank = CompofaCommNative.rank(handle);
        this.size = CompofaCommNative.size(handle);
        this.localRank = CompofaCommNative.localRank(handle);
        this.transport = CompofaCommNative.transport(handle);
    }

    /**
     * The world of an MPI job ({@code compofa_comm_create_world}); every process of the job must call it.
     *
     * @param context the context whose memory the collectives use
     * @return the world communicator, to close after use
     * @throws NotSupportedException  in a build without MPI, or on CUDA without NCCL (with the reason)
     * @throws CommunicationException when MPI or NCCL fails
     */
    public static CommHandle world(ContextHandle context) {
        return create(context, true);
    }

    /**
     * This process alone ({@code compofa_comm_create_local}): rank 0 of 1.
     *
     * @param context the context whose memory the collectives use
     * @return the one-process communicator, to close after use
     */
    public static CommHandle local(ContextHandle context) {
        return create(context, false);
    }

    private static CommHandle create(ContextHandle context, boolean world) {
        context.acquire();
        try {
            MemorySegment h = world ? CompofaCommNative.createWorld(context.segment())
                    : CompofaCommNative.createLocal(context.segment());
            try {
                return new CommHandle(h, context);
            } catch (RuntimeException e) {
                CompofaCommNative.destroy(h);
                throw e;
            }
        } finally {
            context.release();
        }
    }

    /**
     * The context whose memory the collectives take.
     *
     * @return the context
     */
    public ContextHandle context() {
        return context;
    }

    /**
     * This process's rank, 0 .. size-1.
     *
     * @return the rank, 0 to size-1
     */
    public int rank() {
        return rank;
    }

    /**
     * The number of processes.
     *
     * @return the process count, at least 1
     */
    public int size() {
        return size;
    }

    /**
     * The rank among the processes of this node.
     *
     * @return the node-local rank, from 0
     */
    public int localRank() {
        return localRank;
    }

    /**
     * A {@code CompofaCommNative.TRANSPORT_*} code.
     *
     * @return the transport code
     */
    public int transport() {
        return transport;
    }

    /**
     * {@code compofa_comm_allreduce} of {@code len} floats at {@code address} (memory of the context).
     *
     * @param stream null for the context's default stream
     * @param address device or host address of the floats, in the context's memory
     * @param len number of floats, at least 0
     * @param op a {@code CompofaCommNative.REDUCE_*} code
     */
    public void allReduce(StreamHandle stream, long address, long len, int op) {
        acquire();
        try {
            acquireIfPresent(stream);
            try {
                CompofaCommNative.allreduce(segment(), segmentOrNull(stream),
                        MemorySegment.ofAddress(address), len, op);
            } finally {
                releaseIfPresent(stream);
            }
        } finally {
            release();
        }
    }

    /**
     * {@code compofa_comm_broadcast} of {@code len} floats at {@code address} from {@code root}.
     *
     * @param stream null for the context's default stream
     * @param address address of the floats, in the context's memory
     * @param len number of floats, at least 0
     * @param root rank whose values are sent, 0 to size-1
     */
    public void broadcast(StreamHandle stream, long address, long len, int root) {
        acquire();
        try {
            acquireIfPresent(stream);
            try {
                CompofaCommNative.broadcast(segment(), segmentOrNull(stream),
                        MemorySegment.ofAddress(address), len, root);
            } finally {
                releaseIfPresent(stream);
            }
        } finally {
            release();
        }
    }

    /** {@code compofa_comm_barrier}. */
    public void barrier() {
        acquire();
        try {
            CompofaCommNative.barrier(segment());
        } finally {
            release();
        }
    }

    /**
     * {@code compofa_comm_abort}: ends every process of the job with {@code code} (0..255).
     *
     * @param code exit status, 0 to 255
     */
    public void abort(int code) {
        acquire();
        try {
            CompofaCommNative.abort(segment(), code);
        } finally {
            release();
        }
    }

    @Override
    void destroy(MemorySegment handle) {
        CompofaCommNative.destroy(handle);
    }
}
