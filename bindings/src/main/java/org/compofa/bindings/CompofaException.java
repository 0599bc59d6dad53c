package org.compofa.bindings;

/**
 * A failure reported by the compofa library (or by the Java checks in front of it), typed by the
 * ABI status it stands for. One subclass per non-OK {@link Status}; the message says what was wrong
 * and what is allowed.
 */
public abstract sealed class CompofaException extends RuntimeException
        permits InvalidArgumentException, NotSupportedException, BackendUnavailableException,
                NativeOutOfMemoryException, InvalidHandleException, WrongBackendException,
                BufferTooSmallException, DeviceException, InternalNativeException,
                HandleBusyException, CommunicationException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    protected CompofaException(String message) {
        super(message);
    }

    /**
     * The ABI status this exception stands for.
     *
     * @return the status, never {@link Status#OK}
     */
    public abstract Status status();
}
