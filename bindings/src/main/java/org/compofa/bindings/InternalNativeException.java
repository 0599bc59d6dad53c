package org.compofa.bindings;

/** An unexpected failure caught at the ABI barrier ({@link Status#INTERNAL}). */
public final class InternalNativeException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public InternalNativeException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.INTERNAL;
    }
}
