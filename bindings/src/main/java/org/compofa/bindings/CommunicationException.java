package org.compofa.bindings;

/** MPI or NCCL reported a failure ({@link Status#COMMUNICATION}). */
public final class CommunicationException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * A communication failure described by {@code message}.
     *
     * @param message what failed, with the library's own error text
     */
    public CommunicationException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.COMMUNICATION;
    }
}
