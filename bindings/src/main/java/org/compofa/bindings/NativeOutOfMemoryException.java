package org.compofa.bindings;

/** A host or device allocation of the library failed ({@link Status#OUT_OF_MEMORY}). */
public final class NativeOutOfMemoryException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public NativeOutOfMemoryException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.OUT_OF_MEMORY;
    }
}
