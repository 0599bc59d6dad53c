package org.compofa.space;

/**
 * A subnet (or its id / JSON form) is malformed or is not a member of a search space.
 *
 * <p>Messages name the offending position and the allowed values, e.g. {@code "stage 2 depth 5:
 * allowed 2, 3, 4"}. Stages and blocks in messages count from 1, as in the reference (stage 1 is
 * the first elastic stage, 24 channels at w1.0); API indices are 0-based.
 */
public class InvalidSubnetException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and what is allowed
     */
    public InvalidSubnetException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the error that revealed it.
     *
     * @param message what is wrong and what is allowed
     * @param cause the parser's error, or null
     */
    public InvalidSubnetException(String message, Throwable cause) {
        super(message, cause);
    }
}
