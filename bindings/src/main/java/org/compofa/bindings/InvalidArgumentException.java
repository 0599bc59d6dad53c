package org.compofa.bindings;

/** A size, option or pointer outside what is allowed ({@link Status#INVALID_ARGUMENT}). */
public final class InvalidArgumentException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public InvalidArgumentException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.INVALID_ARGUMENT;
    }
}
