package org.compofa.bindings;

/** The CUDA runtime reported a failure ({@link Status#DEVICE}). */
public final class DeviceException extends CompofaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what was wrong and what is allowed
     */
    public DeviceException(String message) {
        super(message);
    }

    @Override
    public Status status() {
        return Status.DEVICE;
    }
}
