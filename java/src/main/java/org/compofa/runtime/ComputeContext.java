package org.compofa.runtime;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.compofa.bindings.ContextHandle;
import org.compofa.bindings.InvalidHandleException;
import org.compofa.bindings.WrongBackendException;

/**
 * One backend (and CUDA device) of the native library: tensors are created from it and ops run on
 * it. Closing the context closes the tensors and {@link DeviceTimer}s it still owns. Thread-safe:
 * tensors may be created and ops run from several threads (on CUDA they share the context's default
 * stream), and the context or a tensor may be closed while other threads run ops: each op holds the
 * handles it passes ({@link #op()}), a close waits for the running ops that use what it frees, and an
 * op that starts after the close began throws {@link InvalidHandleException}.
 */
public final class ComputeContext implements AutoCloseable {
    /** System property read by {@link #select()}: reference, cpu, cuda or auto (the default). */
    public static final String BACKEND_PROPERTY = "compofa.backend";

    private static final System.Logger LOG = System.getLogger("org.compofa.runtime.ComputeContext");

    private final Backend backend;
    private final ContextHandle handle;
    private final Set<Tensor> tensors = ConcurrentHashMap.newKeySet();
    private long allocations;
    private final Set<DeviceTimer> timers = ConcurrentHashMap.newKeySet();
    private boolean closed;  // guarded by this

    private ComputeContext(Backend backend, ContextHandle handle) {
        this.backend = backend;
        this.handle = handle;
    }

    /**
     * Opens a context of an explicit backend.
     *
     * @param backend the backend to open
     * @param device CUDA device ordinal; 0 for REFERENCE and CPU
     * @return an open context; close it when done
     * @throws org.compofa.bindings.BackendUnavailableException when the backend is not built in or has no device
     * @throws org.compofa.bindings.InvalidArgumentException    for a device that does not exist
     */
    public static ComputeContext open(Backend backend, int device) {
        return new ComputeContext(backend, ContextHandle.create(backend.code(), device));
    }

    /**
     * Opens a context of an explicit backend on device 0.
     *
     * @param backend the backend to open
     * @return an open context on device 0; close it when done
     */
    public static ComputeContext open(Backend backend) {
        return open(backend, 0);
    }

    /**
     * Opens the backend chosen by the system property {@value #BACKEND_PROPERTY} (reference, cpu, cuda
     * or auto; default auto = CUDA when available, else CPU) and logs the choice and its reason.
     * An explicit choice is never replaced: {@code cuda} without a device fails.
     *
     * @return an open context on the chosen backend; close it when done
     */
    public static ComputeContext select() {
        return select(System.getProperty(BACKEND_PROPERTY));
    }

    /**
     * As {@link #select()} with the specification given directly.
     *
     * @param spec reference, cpu, cuda or auto; null or blank = auto
     * @return an open context on the chosen backend; close it when done
     */
    public static ComputeContext select(String spec) {
        return select(spec, System.getProperty(DevicePlacement.DEVICE_PROPERTY));
    }

    /**
     * As {@link #select(String)} with the CUDA device given directly; without one a process started by
     * an MPI launcher opens the device of its local rank ({@link DevicePlacement}).
     *
     * @param spec   reference, cpu, cuda or auto; null or blank = auto
     * @param device CUDA device ordinal, or null / blank for the default placement; unused on the host
     * @return an open context on the chosen backend; close it when done
     * @throws org.compofa.bindings.InvalidArgumentException for a device not visible, or more local ranks than devices
     */
    public static ComputeContext select(String spec, String device) {
        BackendSelection choice = BackendSelection.choose(spec);
        LOG.log(Level.INFO, "compofa: backend {0}: {1}", choice.backend(), choice.reason());
        if (choice.backend() != Backend.CUDA) {
            return open(choice.backend(), 0);
        }
        DevicePlacement placement = DevicePlacement.choose(device, System.getenv(),
                Math.max(1, org.compofa.bindings.CompofaNative.cudaDeviceCount()));
        LOG.log(Level.INFO, "compofa: CUDA {0}", placement.reason());
        return open(Backend.CUDA, placement.device());
    }

    /**
     * The backend.
     *
     * @return the backend of this context
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The device ordinal (0 on the host backends).
     *
     * @return CUDA device ordinal, 0 on REFERENCE and CPU
     */
    public int device() {
        return handle.device();
    }

    /**
     * One line about the backend and device.
     *
     * @return a human-readable description of the backend and device
     */
    public String describe() {
        return backend.describe(handle.device());
    }

    /**
     * The native context, for {@link org.compofa.bindings.RawOps} on memory owned by other code.
     *
     * @return the native handle, still owned by this context
     * @throws InvalidHandleException when this context is closed
     */
    public ContextHandle handle() {
        handle.address();
        return handle;
    }

    /**
     * Opens the scope of one op: holds the context's handle, and each tensor's buffer as the op takes
     * its address, until the scope is closed (use try-with-resources around the downcall).
     *
     * @return an open scope; close it after the downcall
     * @throws InvalidHandleException when this context is closed or closing
     */
    public OpScope op() {
        return new OpScope(handle);
    }

    /** Waits for all queued work of the context. */
    public void synchronize() {
        handle.synchronize();
    }

    /**
     * Threads of the CPU backend's kernels (1..1024, 0 = one per CPU); ignored elsewhere.
     *
     * @param threads 1..1024, or 0 for one per CPU
     */
    public void setThreads(int threads) {
        handle.setThreads(threads);
    }

    /**
     * The arithmetic of this context's GEMMs (the 1x1 convolutions, the stem's and the classifier's
     * products, forward and backward): see {@link Precision}.
     *
     * @param precision FP32, TF32 or BF16 arithmetic for the GEMMs
     */
    public void setPrecision(Precision precision) {
        handle.setPrecision(java.util.Objects.requireNonNull(precision, "precision").code());
    }

    /**
     * Which library runs this context's plain GEMMs (see {@link GemmLibrary}).
     *
     * @param library OURS or CUBLAS
     * @throws org.compofa.bindings.NotSupportedException for cuBLAS on a host context or where no
     *                                                   cuBLAS is found (the message says where it looked)
     */
    public void setGemmLibrary(GemmLibrary library) {
        handle.setGemmLibrary(java.util.Objects.requireNonNull(library, "library").code());
    }

    /**
     * The library of the plain GEMMs ({@link GemmLibrary#OURS} unless set).
     *
     * @return the library in use
     */
    public GemmLibrary gemmLibrary() {
        return GemmLibrary.of(handle.gemmLibrary());
    }

    /**
     * The current GEMM precision ({@link Precision#FP32} unless set).
     *
     * @return the precision in use
     */
    public Precision precision() {
        return Precision.of(handle.precision());
    }

    /**
     * Whether {@link #close()} has run.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Tensors created from this context and not yet closed.
     *
     * @return the number of open tensors, views included
     */
    public int liveTensors() {
        return tensors.size();
    }

    /**
     * Owning tensors (buffers) created from this context so far, views not counted: a training step
     * that runs on a warm {@code Workspace} leaves it unchanged (its memory plan allocates nothing).
     *
     * @return count since the context was opened, &gt;= 0
     */
    public synchronized long tensorsAllocated() {
        return allocations;
    }

    /**
     * Checks that {@code tensor} can be used by an op of this context.
     *
     * @param name the argument's name, for the message
     * @param tensor the tensor to check
     * @throws InvalidHandleException when this context or the tensor is closed
     * @throws WrongBackendException  when the tensor belongs to another context
     */
    public void checkOwns(String name, Tensor tensor) {
        if (handle.isClosed()) {
            throw new InvalidHandleException("the " + backend + " context is closed");
        }
        if (tensor.context() != this) {
            throw new WrongBackendException(name + " belongs to another context (" + tensor.context()
                    + "); ops take tensors created from the context that runs them (" + this + ")");
        }
        if (tensor.isClosed()) {
            throw new InvalidHandleException(name + " (" + tensor.describeShape() + ") is closed");
        }
    }

    synchronized void register(Tensor tensor) {
        if (closed) {
            throw new InvalidHandleException("the " + backend + " context is closed; cannot create tensors");
        }
        tensors.add(tensor);
        allocations++;
    }

    void unregister(Tensor tensor) {
        tensors.remove(tensor);
    }

    synchronized void register(DeviceTimer timer) {
        if (closed) {
            throw new InvalidHandleException("the " + backend + " context is closed; cannot open timers");
        }
        timers.add(timer);
    }

    void unregister(DeviceTimer timer) {
        timers.remove(timer);
    }

    /**
     * Closes the tensors and timers still owned, then the native context; each close waits for the
     * running ops that use it (bounded, see {@link org.compofa.bindings.NativeHandle#close()}). A second
     * call does nothing. If a close fails (for example {@link org.compofa.bindings.HandleBusyException}
     * when ops did not finish in time), the others are still attempted, the first failure is thrown and
     * the context stays open, with whatever could not be closed, so close can be called again.
     */
    @Override
    public void close() {
        List<Tensor> ownedTensors;
        List<DeviceTimer> ownedTimers;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ownedTensors = new ArrayList<>(tensors);
            ownedTimers = new ArrayList<>(timers);
        }
        RuntimeException failure = null;
        for (Tensor t : ownedTensors) {
            failure = closeCollecting(t, failure);
        }
        for (DeviceTimer t : ownedTimers) {
            failure = closeCollecting(t, failure);
        }
        if (failure == null) {
            failure = closeCollecting(handle, null);
        }
        if (failure != null) {
            synchronized (this) {
                closed = false;
            }
            throw failure;
        }
    }

    private static RuntimeException closeCollecting(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        } catch (Exception e) {
            throw new IllegalStateException("close of " + resource + " threw a checked exception", e);
        }
        return failure;
    }

    @Override
    public String toString() {
        return backend + "#" + handle.device() + (handle.isClosed() ? " (closed)" : "");
    }
}
