package org.compofa.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.compofa.bindings.CommHandle;
import org.compofa.bindings.CompofaCommNative;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.WrongBackendException;

/**
 * The processes of a data-parallel job and collectives over float32 tensors of one
 * {@link ComputeContext}: all-reduce (sum, average), broadcast, barrier, abort. Host tensors (REFERENCE,
 * CPU) go through MPI, device tensors (CUDA) through NCCL on the context's default stream
 * ({@code compofa.h}, "communicators").
 *
 * <p>{@link #world(ComputeContext)} decides how the process was started. Launched by an MPI launcher
 * ({@code mpirun}/{@code mpiexec} of Open MPI, MPICH or MVAPICH, or Slurm's {@code srun --mpi=pmix}
 * or {@code --mpi=pmi2}), recognised by one of {@link #LAUNCHER_VARIABLES} in the environment, it
 * joins the MPI world (every process must call it). Otherwise it is this process alone: rank 0 of 1,
 * every collective leaves the data as it is, and nothing of MPI is touched, so a plain
 * {@code compofa train} runs exactly as without a communicator. The system property
 * {@value #MODE_PROPERTY} ({@code auto}, {@code world}, {@code local}) overrides the detection.
 *
 * <p>A failing rank must end the job, never leave the others waiting in a collective: a world of more
 * than one process installs a default uncaught-exception handler that prints the exception and calls
 * {@link #abort(int, String)} (after any handler that was installed before), and a process that exits
 * with the communicator still open is treated by the launcher as failed. Every process must call the
 * collectives in the same order with tensors of the same length. Close the communicator before its
 * context (a context with a live communicator refuses to close).
 */
public final class Communicator implements AutoCloseable {
    /** System property: {@code auto} (default), {@code world} (always MPI) or {@code local} (never MPI). */
    public static final String MODE_PROPERTY = "compofa.comm";

    /**
     * Environment variables that MPI launchers set in the processes they start: Open MPI's mpirun
     * ({@code OMPI_COMM_WORLD_SIZE}), PMIx launchers such as Open MPI 5 and {@code srun --mpi=pmix}
     * ({@code PMIX_RANK}), MPICH's Hydra and {@code srun --mpi=pmi2} ({@code PMI_SIZE}), MVAPICH
     * ({@code MV2_COMM_WORLD_SIZE}). Slurm's own {@code SLURM_*} variables are not used: a batch script
     * has them without being an MPI process.
     */
    public static final List<String> LAUNCHER_VARIABLES =
            List.of("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "MV2_COMM_WORLD_SIZE");

    /** The reduction of {@link #allReduce}. */
    public enum Op {
        /** The sum over every process. */
        SUM(CompofaCommNative.REDUCE_SUM),
        /** The sum times 1/size (the same bits on every process). */
        AVG(CompofaCommNative.REDUCE_AVG);

        private final int code;

        Op(int code) {
            this.code = code;
        }
    }

    /** What moves the bytes of a communicator. */
    public enum Transport {
        /** This process alone: collectives leave the data as it is. */
        SELF,
        /** MPI, on host memory. */
        MPI,
        /** NCCL, on device memory. */
        NCCL
    }

    private final ComputeContext context;
    private final CommHandle handle;

    private Communicator(ComputeContext context, CommHandle handle) {
        this.context = context;
        this.handle = handle;
    }

    /**
     * The communicator of this process: the MPI world when launched by an MPI launcher (or
     * {@value #MODE_PROPERTY}{@code =world}), else {@link #local(ComputeContext)}.
     *
     * @param context the context whose tensors the collectives take
     * @return the communicator, to close after use
     * @throws org.compofa.bindings.NotSupportedException  launched by MPI but the library was built
     *                                                      without MPI, or a CUDA context without NCCL
     * @throws org.compofa.bindings.CommunicationException when MPI or NCCL fails
     * @throws InvalidArgumentException                    for an unknown {@value #MODE_PROPERTY}
     */
    public static Communicator world(ComputeContext context) {
        if (!useMpi(System.getProperty(MODE_PROPERTY, "auto"), System.getenv())) {
            return local(context);
        }
        Communicator c = new Communicator(context, CommHandle.world(context.handle()));
        if (c.size() > 1) {
            c.abortOnUncaughtException();
        }
        return c;
    }

    /**
     * This process alone (rank 0 of 1), in any build; on CUDA it runs one-rank NCCL where NCCL loads.
     *
     * @param context the context whose tensors the collectives take
     * @return the one-process communicator, to close after use
     */
    public static Communicator local(ComputeContext context) {
        return new Communicator(context, CommHandle.local(context.handle()));
    }

    /**
     * Whether {@link #world} joins MPI for this mode and environment.
     *
     * @throws InvalidArgumentException for a mode other than auto, world, local
     */
    static boolean useMpi(String mode, Map<String, String> environment) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> launcher(environment).isPresent();
            case "world" -> true;
            case "local" -> false;
            default -> throw new InvalidArgumentException("-D" + MODE_PROPERTY + "=" + mode
                    + ": allowed auto (MPI when launched by mpirun/srun), world, local");
        };
    }

    /**
     * The first of {@link #LAUNCHER_VARIABLES} set in {@code environment}, if any.
     *
     * @param environment environment variables, name to value
     * @return the launcher variable found, or empty
     */
    public static Optional<String> launcher(Map<String, String> environment) {
        return LAUNCHER_VARIABLES.stream().filter(v -> {
            String value = environment.get(v);
            return value != null && !value.isBlank();
        }).findFirst();
    }

    /**
     * Which MPI and NCCL the library uses, or why none ({@code compofa_comm_describe}).
     *
     * @return the description
     */
    public static String describeLibraries() {
        return CompofaCommNative.describe();
    }

    /**
     * The context whose tensors the collectives take.
     *
     * @return the context
     */
    public ComputeContext context() {
        return context;
    }

    /**
     * This process's rank, 0 .. size-1.
     *
     * @return the rank, 0 to size-1
     */
    public int rank() {
        return handle.rank();
    }

    /**
     * The number of processes.
     *
     * @return the process count, at least 1
     */
    public int size() {
        return handle.size();
    }

    /**
     * The rank among the processes of this node (the usual CUDA device of a rank).
     *
     * @return the node-local rank, from 0
     */
    public int localRank() {
        return handle.localRank();
    }

    /**
     * What moves this communicator's bytes.
     *
     * @return the transport
     */
    public Transport transport() {
        return Transport.values()[handle.transport()];
    }

    /**
     * {@code tensor} = op over every process's {@code tensor}, in place (on CUDA, queued on the context's
     * default stream).
     *
     * @param tensor float tensor of this communicator's context, replaced by the result
     * @param op the reduction
     * @throws WrongBackendException    for a tensor of another context
     * @throws InvalidArgumentException for a tensor of int32 labels
     */
    public void allReduce(Tensor tensor, Op op) {
        checkFloat("allReduce", tensor);
        try (OpScope scope = context.op()) {
            handle.allReduce(null, scope.address(tensor), tensor.length(), op.code);
        }
    }

    /**
     * {@code data} = op over every process's {@code data}, for host contexts (REFERENCE, CPU); the array
     * goes through a native copy.
     *
     * @param data the values, replaced by the result; not empty
     * @param op the reduction
     * @throws WrongBackendException    on a CUDA context (use a {@link Tensor})
     * @throws InvalidArgumentException for an empty array
     */
    public void allReduce(float[] data, Op op) {
        if (context.backend() == Backend.CUDA) {
            throw new WrongBackendException("allReduce(float[]) runs on host contexts; this one is "
                    + context.backend() + ": all-reduce a Tensor of it instead");
        }
        if (data.length == 0) {
            throw new InvalidArgumentException("allReduce of an empty array: allowed 1 .. 2^31-1 floats");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data);
            handle.allReduce(null, copy.address(), data.length, op.code);
            MemorySegment.copy(copy, ValueLayout.JAVA_FLOAT, 0, data, 0, data.length);
        }
    }

    /**
     * Copies {@code tensor} of process {@code root} into every process's {@code tensor}.
     *
     * @param tensor float tensor of this communicator's context, overwritten except on the root
     * @param root rank whose tensor is sent, 0 to size-1
     * @throws InvalidArgumentException for a root outside 0 .. size-1 or a tensor of labels
     */
    public void broadcast(Tensor tensor, int root) {
        checkFloat("broadcast", tensor);
        if (root < 0 || root >= size()) {
            throw new InvalidArgumentException("root " + root + ": allowed 0.." + (size() - 1));
        }
        try (OpScope scope = context.op()) {
            handle.broadcast(null, scope.address(tensor), tensor.length(), root);
        }
    }

    /** Returns when every process has called it (host-side; queued device work is not waited for). */
    public void barrier() {
        handle.barrier();
    }

    /**
     * Ends every process of the job with {@code code} after printing {@code message} to stderr (the
     * launcher shows it). Does not return. Also works after {@link #close()}: an exception that reaches
     * the uncaught-exception handler has usually closed the communicator on its way out.
     *
     * @param code exit status, 0 to 255
     * @param message text printed to stderr first
     * @throws InvalidArgumentException for a code outside 0..255 (then nothing ends)
     */
    public void abort(int code, String message) {
        if (code < 0 || code > 255) {
            throw new InvalidArgumentException("abort code " + code + ": allowed 0..255");
        }
        System.out.flush();
        System.err.println("compofa: rank " + rank() + " of " + size() + " aborts the job (code " + code + "): "
                + message);
        System.err.flush();
        if (handle.isClosed()) {
            CompofaCommNative.abortJob(code);  // closed while an exception unwound through try-with-resources
        } else {
            handle.abort(code);
        }
    }

    /**
     * Makes an uncaught exception on any thread end the whole job (see the class comment): the handler
     * installed before runs first, then {@link #abort(int, String)} with code 1.
     */
    public void abortOnUncaughtException() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            try {
                if (previous != null) {
                    previous.uncaughtException(thread, e);
                } else {
                    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                    e.printStackTrace();
                }
            } finally {
                try {
                    abort(1, "uncaught " + e.getClass().getName() + " in thread \"" + thread.getName() + "\": "
                            + e.getMessage());
                } finally {
                    Runtime.getRuntime().halt(1);  // the communicator was closed: end this process at least
                }
            }
        });
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the communicator (collective for a world: every process closes its own). */
    @Override
    public void close() {
        handle.close();
    }

    private void checkFloat(String what, Tensor tensor) {
        context.checkOwns("tensor", tensor);
        if (tensor.layout() == Layout.LABELS) {
            throw new InvalidArgumentException(what + " takes float32 tensors; this one holds int32 labels");
        }
    }

    @Override
    public String toString() {
        return "Communicator[rank " + rank() + " of " + size() + ", " + transport() + ", " + context.backend() + "]";
    }
}
