package org.compofa.train;

import java.nio.file.Path;
import org.compofa.io.FileFormatException;

/**
 * A checkpoint file that cannot be used, with the file and the {@link Reason}. The message reads
 * {@code checkpoint <file>: <reason>: <detail>}.
 */
public final class CheckpointException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason implements FileFormatException.Reason {
        /** Reading or writing failed at the file-system level. */
        IO("I/O error"),
        /** The file does not start with the checkpoint magic. */
        NOT_A_CHECKPOINT("not a compofa checkpoint"),
        /** Written by a format version this reader does not know. */
        UNKNOWN_VERSION("unknown format version"),
        /** Shorter than its header declares (an interrupted copy or write). */
        TRUNCATED("truncated"),
        /** Contents do not match the stored checksum (bit rot, partial overwrite). */
        CHECKSUM_MISMATCH("checksum mismatch"),
        /** Checksum is right but the structure or metadata is not (a writer bug). */
        MALFORMED("malformed"),
        /** A required tensor is absent. */
        MISSING_TENSOR("missing tensor"),
        /** A tensor has another shape than required. */
        SHAPE_MISMATCH("shape mismatch"),
        /** A directory holds checkpoints but none of them can be read. */
        NO_VALID_CHECKPOINT("no valid checkpoint"),
        /** Valid, but written by another run configuration than the one resuming it. */
        INCOMPATIBLE("written by another run configuration");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        @Override
        public String text() {
            return text;
        }
    }

    /** What is wrong with the checkpoint. */
    private final Reason reason;

    /**
     * An error about {@code file} (or a directory for {@link Reason#NO_VALID_CHECKPOINT}).
     *
     * @param file the checkpoint file, or the store's directory
     * @param reason what is wrong
     * @param detail specifics for the message
     */
    public CheckpointException(Path file, Reason reason, String detail) {
        this(file, reason, detail, null);
    }

    /**
     * An error with its cause.
     *
     * @param file the checkpoint file, or the store's directory
     * @param reason what is wrong
     * @param detail specifics for the message
     * @param cause the underlying failure
     */
    public CheckpointException(Path file, Reason reason, String detail, Throwable cause) {
        super("checkpoint", file, reason, detail, cause);
        this.reason = reason;
    }

    /**
     * What is wrong.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
