package org.compofa.bindings;

import java.util.List;

/**
 * libcompofa could not be loaded. The message lists every place that was tried and why each one
 * failed; {@link #attempts()} gives the same list.
 */
public final class NativeLibraryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Every load attempt, in order, as "where: why it failed". */
    private final List<String> attempts;

    /**
     * An exception listing every load attempt.
     *
     * @param summary  one line about what failed
     * @param attempts each attempt as "where: why it failed"
     * @param cause    the failure of the last attempt, or null
     */
    public NativeLibraryException(String summary, List<String> attempts, Throwable cause) {
        super(message(summary, attempts), cause);
        this.attempts = List.copyOf(attempts);
    }

    /**
     * Every load attempt, in order, as "where: why it failed".
     *
     * @return the attempts, unmodifiable
     */
    public List<String> attempts() {
        return attempts;
    }

    private static String message(String summary, List<String> attempts) {
        StringBuilder sb = new StringBuilder(summary);
        for (int i = 0; i < attempts.size(); i++) {
            sb.append("\n  attempt ").append(i + 1).append(": ").append(attempts.get(i));
        }
        return sb.toString();
    }
}
