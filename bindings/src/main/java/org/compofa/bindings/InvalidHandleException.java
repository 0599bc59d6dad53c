package org.compofa.bindings;

/** A NULL, closed (destroyed) or foreign handle ({@link Status#INVALID_HANDLE}). */
public final class InvalidHandleException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public InvalidHandleException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.INVALID_HANDLE;
    }
}
