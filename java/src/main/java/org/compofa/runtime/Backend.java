package org.compofa.runtime;

import java.util.Locale;

import org.compofa.bindings.CompofaNative;
import org.compofa.bindings.InvalidArgumentException;

/** The compute backends of the native library. */
public enum Backend {
    /** Naive, obviously-correct host kernels: the test oracle. */
    REFERENCE(CompofaNative.BACKEND_REFERENCE),
    /** Thread pool + BLAS production kernels on the host; always available. */
    CPU(CompofaNative.BACKEND_CPU),
    /** compofa's CUDA kernels on an NVIDIA device. */
    CUDA(CompofaNative.BACKEND_CUDA);

    private final int code;

    Backend(int code) {
        this.code = code;
    }

    /**
     * The ABI's {@code compofa_backend_kind} value.
     *
     * @return the code passed to the C ABI
     */
    public int code() {
        return code;
    }

    /**
     * Whether contexts of this backend can be created now (for CUDA: built in, driver and device present).
     *
     * @return true when a context of this backend can be opened
     * @throws org.compofa.bindings.NativeLibraryException when the native library cannot be loaded
     */
    public boolean isAvailable() {
        return CompofaNative.backendAvailable(code);
    }

    /**
     * One line about the backend on device 0: CPU model, threads, BLAS, GPU name, or why it is unavailable.
     *
     * @return a human-readable description, never null
     */
    public String describe() {
        return describe(0);
    }

    /**
     * One line about the backend on a device.
     *
     * @param device device ordinal; 0 for REFERENCE and CPU
     * @return a human-readable description, never null
     */
    public String describe(int device) {
        return CompofaNative.backendDescribe(code, device);
    }

    /**
     * The lower-case name used by the {@code compofa.backend} property.
     *
     * @return {@code reference}, {@code cpu} or {@code cuda}
     */
    public String propertyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The backend of a name (case-insensitive).
     *
     * @param name {@code reference}, {@code cpu} or {@code cuda}, any case, surrounding blanks ignored
     * @return the backend named
     * @throws InvalidArgumentException for another name, naming the allowed ones
     */
    public static Backend parse(String name) {
        for (Backend b : values()) {
            if (b.propertyName().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return b;
            }
        }
        throw new InvalidArgumentException("backend '" + name + "': allowed reference, cpu, cuda");
    }
}
