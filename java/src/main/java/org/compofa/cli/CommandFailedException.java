package org.compofa.cli;

/**
 * The work of a command failed for a reason its message states in full (e.g. a step that must run
 * first); reported as one line, exit 1.
 */
final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to do about it */
    CommandFailedException(String message) {
        super(message);
    }
}
