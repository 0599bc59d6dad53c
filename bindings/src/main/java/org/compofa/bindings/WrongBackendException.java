package org.compofa.bindings;

/** Memory, a tensor or a handle that belongs to another backend or context ({@link Status#WRONG_BACKEND}). */
public final class WrongBackendException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public WrongBackendException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.WRONG_BACKEND;
    }
}
