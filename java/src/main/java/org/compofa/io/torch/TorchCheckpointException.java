package org.compofa.io.torch;

import java.nio.file.Path;
import org.compofa.io.FileFormatException;

/**
 * A PyTorch checkpoint ({@link TorchCheckpoint}) that cannot be read, with the file and the
 * {@link Reason}. The message reads {@code PyTorch checkpoint <file>: <reason>: <detail>}. It is an
 * {@link java.io.IOException}, so callers that handle I/O errors handle it too.
 */
public final class TorchCheckpointException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason implements FileFormatException.Reason {
        /** Reading failed at the file-system level (missing, unreadable, over 2 GiB). */
        IO("I/O error"),
        /** Neither a torch zip archive nor a legacy torch.save stream (wrong magic number). */
        NOT_A_CHECKPOINT("not a PyTorch checkpoint"),
        /** The data ends before a pickle, record or storage is complete. */
        TRUNCATED("truncated"),
        /** The pickle names a global outside the allowed set (it could run code if loaded by Python). */
        FORBIDDEN_GLOBAL("forbidden global"),
        /** An unknown opcode, a wrong stack shape, a bad argument to an allowed global. */
        MALFORMED_PICKLE("malformed pickle"),
        /** A size, count or nesting depth larger than the file can hold or this reader allows. */
        TOO_LARGE("size out of bounds"),
        /** A storage entry missing, of the wrong size, or of another byte order. */
        BAD_STORAGE("bad storage"),
        /** A tensor that is not contiguous inside its storage, or of an element type not supported. */
        UNSUPPORTED_TENSOR("unsupported tensor"),
        /** The object is not a state dict (or a known wrapper of one). */
        NOT_A_STATE_DICT("not a state dict");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        @Override
        public String text() {
            return text;
        }
    }

    /** What is wrong, for callers that branch on it. */
    private final Reason reason;

    /**
     * An error about {@code file}.
     *
     * @param file the file concerned
     * @param reason what is wrong
     * @param detail specifics, for the message
     */
    public TorchCheckpointException(Path file, Reason reason, String detail) {
        this(file, reason, detail, null);
    }

    /**
     * An error with its cause.
     *
     * @param file the file concerned
     * @param reason what is wrong
     * @param detail specifics, for the message
     * @param cause the underlying error
     */
    public TorchCheckpointException(Path file, Reason reason, String detail, Throwable cause) {
        super("PyTorch checkpoint", file, reason, detail, cause);
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
