package org.compofa.bindings;

/** A valid request this build or backend cannot do ({@link Status#UNSUPPORTED}). */
public final class NotSupportedException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public NotSupportedException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.UNSUPPORTED;
    }
}
