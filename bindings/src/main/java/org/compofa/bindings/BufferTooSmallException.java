package org.compofa.bindings;

/** A buffer or tensor smaller than the op needs ({@link Status#BUFFER_TOO_SMALL}). */
public final class BufferTooSmallException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public BufferTooSmallException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.BUFFER_TOO_SMALL;
    }
}
