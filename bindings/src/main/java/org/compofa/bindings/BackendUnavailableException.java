package org.compofa.bindings;

/** The backend is not compiled in, or no device was found ({@link Status#BACKEND_UNAVAILABLE}). */
public final class BackendUnavailableException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.BACKEND_UNAVAILABLE;
    }
}
