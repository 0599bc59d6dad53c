package org.compofa.bindings;

/**
 * A handle could not be destroyed because calls still use it ({@link Status#BUSY}): the library
 * refused a destroy while another thread's call was running on the handle, or
 * {@link NativeHandle#close()} gave up waiting for the running ops (its bound passed, or the waiting
 * thread was interrupted). Nothing was freed and the handle stays open; close it again later.
 */
public final class HandleBusyException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message which handle, how many calls still use it, and what to do
     */
    public HandleBusyException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.BUSY;
    }
}
