package org.compofa.bindings;

import java.util.function.Function;

/**
 * The status codes of the C ABI ({@code enum compofa_status_code} in {@code compofa.h}), each with
 * the typed exception Java raises for it.
 */
public enum Status {
    /** {@code COMPOFA_OK}: success. */
    OK(0, null),
    /** {@code COMPOFA_ERR_INVALID_ARGUMENT}: a size, option or pointer outside what is allowed. */
    INVALID_ARGUMENT(1, InvalidArgumentException::new),
    /** {@code COMPOFA_ERR_UNSUPPORTED}: a valid request this build or backend cannot do. */
    UNSUPPORTED(2, NotSupportedException::new),
    /** {@code COMPOFA_ERR_BACKEND_UNAVAILABLE}: backend not compiled in, or no device found. */
    BACKEND_UNAVAILABLE(3, BackendUnavailableException::new),
    /** {@code COMPOFA_ERR_OUT_OF_MEMORY}: a host or device allocation failed. */
    OUT_OF_MEMORY(4, NativeOutOfMemoryException::new),
    /** {@code COMPOFA_ERR_INVALID_HANDLE}: NULL, destroyed (closed) or foreign handle. */
    INVALID_HANDLE(5, InvalidHandleException::new),
    /** {@code COMPOFA_ERR_WRONG_BACKEND}: memory or a handle that belongs to another backend. */
    WRONG_BACKEND(6, WrongBackendException::new),
    /** {@code COMPOFA_ERR_BUFFER_TOO_SMALL}: a length smaller than the op needs. */
    BUFFER_TOO_SMALL(7, BufferTooSmallException::new),
    /** {@code COMPOFA_ERR_DEVICE}: the CUDA runtime reported a failure. */
    DEVICE(8, DeviceException::new),
    /** {@code COMPOFA_ERR_INTERNAL}: an unexpected failure caught at the ABI barrier. */
    INTERNAL(9, InternalNativeException::new),
    /**
     * {@code COMPOFA_ERR_BUSY}: a destroy (close) of a handle that running calls still use; nothing
     * was freed and the handle stays open.
     */
    BUSY(10, HandleBusyException::new),
    /** {@code COMPOFA_ERR_COMMUNICATION}: MPI or NCCL reported a failure. */
    COMMUNICATION(11, CommunicationException::new);

    private static final Status[] BY_CODE = values();

    private final int code;
    private final Function<String, CompofaException> factory;

    Status(int code, Function<String, CompofaException> factory) {
        this.code = code;
        this.factory = factory;
    }

    /**
     * The ABI's integer value of this status.
     *
     * @return the ABI code
     */
    public int code() {
        return code;
    }

    /**
     * The ABI's name of this status, e.g. {@code COMPOFA_ERR_INVALID_ARGUMENT}.
     *
     * @return the ABI name
     */
    public String abiName() {
        return this == OK ? "COMPOFA_OK" : "COMPOFA_ERR_" + name();
    }

    /**
     * The status of an ABI code.
     *
     * @param code a {@code compofa_status} value
     * @return the status
     * @throws InternalNativeException for a code this version of the bindings does not know
     */
    public static Status of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new InternalNativeException("unknown compofa status code " + code
                    + " (allowed 0.." + (BY_CODE.length - 1) + "): library and bindings disagree");
        }
        return BY_CODE[code];
    }

    /**
     * A new exception of this status's type with the given message.
     *
     * @param message what was wrong and what is allowed
     * @return the exception, not thrown
     */
    public CompofaException exception(String message) {
        if (factory == null) {
            throw new IllegalStateException("COMPOFA_OK is not a failure");
        }
        return factory.apply(message);
    }

    /**
     * Turns an ABI return value into a typed exception: returns normally for {@code COMPOFA_OK}, else
     * throws the status's exception with the calling thread's {@code compofa_last_error()} message.
     * Must run on the thread that made the failing call (the message is thread-local in the library).
     *
     * @param code a {@code compofa_status} value
     * @throws CompofaException the typed exception of a non-zero status
     */
    public static void check(int code) {
        if (code != 0) {
            throw of(code).exception(CompofaNative.lastError());
        }
    }
}
