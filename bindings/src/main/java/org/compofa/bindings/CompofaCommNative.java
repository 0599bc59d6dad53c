package org.compofa.bindings;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.compofa.bindings.CompofaNative.bind;
import static org.compofa.bindings.CompofaNative.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The downcalls of communicators ({@code compofa.h}, "communicators"). Same rules as
 * {@link CompofaNative}: raw ABI, the library checks the arguments, a failure is the typed exception
 * of {@link Status#check(int)}.
 */
public final class CompofaCommNative {
    private CompofaCommNative() {}

    /** {@code compofa_reduce_op}: sum. */
    public static final int REDUCE_SUM = 0;
    /** {@code compofa_reduce_op}: sum times 1/size. */
    public static final int REDUCE_AVG = 1;
    /** {@code compofa_comm_transport}: one process, no library. */
    public static final int TRANSPORT_SELF = 0;
    /** {@code compofa_comm_transport}: MPI on host memory. */
    public static final int TRANSPORT_MPI = 1;
    /** {@code compofa_comm_transport}: NCCL on device memory. */
    public static final int TRANSPORT_NCCL = 2;

    /** The symbols of communicators; the loader refuses a library that lacks one. */
    static final List<String> SYMBOLS = List.of("compofa_comm_available", "compofa_comm_describe",
            "compofa_comm_create_world", "compofa_comm_create_local", "compofa_comm_destroy", "compofa_comm_rank",
            "compofa_comm_size", "compofa_comm_local_rank", "compofa_comm_transport", "compofa_comm_allreduce",
            "compofa_comm_broadcast", "compofa_comm_barrier", "compofa_comm_abort", "compofa_comm_abort_job");

    private static final FunctionDescriptor ST_A = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor ST_AA = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    private static final class H {
        static final MethodHandle AVAILABLE = bind("compofa_comm_available", ST_AA);
        static final MethodHandle DESCRIBE = bind("compofa_comm_describe",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle CREATE_WORLD = bind("compofa_comm_create_world", ST_AA);
        static final MethodHandle CREATE_LOCAL = bind("compofa_comm_create_local", ST_AA);
        static final MethodHandle DESTROY = bind("compofa_comm_destroy", ST_A);
        static final MethodHandle RANK = bind("compofa_comm_rank", ST_AA);
        static final MethodHandle SIZE = bind("compofa_comm_size", ST_AA);
        static final MethodHandle LOCAL_RANK = bind("compofa_comm_local_rank", ST_AA);
        static final MethodHandle TRANSPORT = bind("compofa_comm_transport", ST_AA);
        static final MethodHandle ALLREDUCE = bind("compofa_comm_allreduce",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle BROADCAST = bind("compofa_comm_broadcast",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle BARRIER = bind("compofa_comm_barrier", ST_A);
        static final MethodHandle ABORT = bind("compofa_comm_abort", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ABORT_JOB = bind("compofa_comm_abort_job", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    /**
     * {@code compofa_comm_available}: {MPI plugin (libcompofa_mpi.so) and libmpi loadable, NCCL loadable}.
     *
     * @return two flags: MPI usable, NCCL usable
     */
    public static boolean[] available() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mpi = arena.allocate(JAVA_INT);
            MemorySegment nccl = arena.allocate(JAVA_INT);
            Status.check((int) H.AVAILABLE.invokeExact(mpi, nccl));
            return new boolean[] {mpi.get(JAVA_INT, 0) == 1, nccl.get(JAVA_INT, 0) == 1};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_describe}: which MPI and NCCL this library uses, or why none.
     *
     * @return the description
     */
    public static String describe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(1024);
            Status.check((int) H.DESCRIBE.invokeExact(text, 1024L));
            return text.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_create_world} (collective over the job).
     *
     * @param ctx the context handle
     * @return the communicator handle
     */
    public static MemorySegment createWorld(MemorySegment ctx) {
        return create(H.CREATE_WORLD, ctx);
    }

    /**
     * {@code compofa_comm_create_local}.
     *
     * @param ctx the context handle
     * @return the communicator handle
     */
    public static MemorySegment createLocal(MemorySegment ctx) {
        return create(H.CREATE_LOCAL, ctx);
    }

    private static MemorySegment create(MethodHandle h, MemorySegment ctx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Status.check((int) h.invokeExact(ctx, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_destroy}.
     *
     * @param comm the communicator handle
     */
    public static void destroy(MemorySegment comm) {
        try {
            Status.check((int) H.DESTROY.invokeExact(comm));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_rank}.
     *
     * @param comm the communicator handle
     * @return the rank
     */
    public static int rank(MemorySegment comm) {
        return get(H.RANK, comm);
    }

    /**
     * {@code compofa_comm_size}.
     *
     * @param comm the communicator handle
     * @return the process count
     */
    public static int size(MemorySegment comm) {
        return get(H.SIZE, comm);
    }

    /**
     * {@code compofa_comm_local_rank}.
     *
     * @param comm the communicator handle
     * @return the node-local rank
     */
    public static int localRank(MemorySegment comm) {
        return get(H.LOCAL_RANK, comm);
    }

    /**
     * {@code compofa_comm_transport}: a {@code TRANSPORT_*} code.
     *
     * @param comm the communicator handle
     * @return the transport code
     */
    public static int transport(MemorySegment comm) {
        return get(H.TRANSPORT, comm);
    }

    private static int get(MethodHandle h, MemorySegment comm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            Status.check((int) h.invokeExact(comm, out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_allreduce}: data[0..len) in place, op a {@code REDUCE_*} code.
     *
     * @param comm the communicator handle
     * @param stream the stream handle, or NULL for the default stream
     * @param data the floats, in the context's memory
     * @param len number of floats
     * @param op a {@code REDUCE_*} code
     */
    public static void allreduce(MemorySegment comm, MemorySegment stream, MemorySegment data, long len, int op) {
        try {
            Status.check((int) H.ALLREDUCE.invokeExact(comm, stream, data, len, op));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_broadcast}: root's data[0..len) to every process.
     *
     * @param comm the communicator handle
     * @param stream the stream handle, or NULL for the default stream
     * @param data the floats, in the context's memory
     * @param len number of floats
     * @param root rank whose values are sent
     */
    public static void broadcast(MemorySegment comm, MemorySegment stream, MemorySegment data, long len, int root) {
        try {
            Status.check((int) H.BROADCAST.invokeExact(comm, stream, data, len, root));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_barrier}.
     *
     * @param comm the communicator handle
     */
    public static void barrier(MemorySegment comm) {
        try {
            Status.check((int) H.BARRIER.invokeExact(comm));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_abort}: ends the job; returns only by throwing for bad arguments.
     *
     * @param comm the communicator handle
     * @param code exit status, 0 to 255
     */
    public static void abort(MemorySegment comm, int code) {
        try {
            Status.check((int) H.ABORT.invokeExact(comm, code));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code compofa_comm_abort_job}: ends the MPI job (MPI_COMM_WORLD) while MPI is initialised, else
     * this process; for failures after the communicator was closed. Returns only by throwing.
     *
     * @param code exit status, 0 to 255
     */
    public static void abortJob(int code) {
        try {
            Status.check((int) H.ABORT_JOB.invokeExact(code));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
