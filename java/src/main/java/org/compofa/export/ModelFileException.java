package org.compofa.export;

import java.nio.file.Path;
import org.compofa.io.FileFormatException;

/**
 * A model file ({@link ModelFile}) that cannot be loaded, with the file and the {@link Reason}. The
 * message reads {@code model <file>: <reason>: <detail>}. It is an {@link java.io.IOException}, so callers
 * that handle I/O errors handle it too.
 */
public final class ModelFileException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason implements FileFormatException.Reason {
        /** Reading failed at the file-system level (missing, unreadable, too large). */
        IO("I/O error"),
        /** The file does not start with {@link ModelFile#MAGIC}. */
        NOT_A_MODEL("not a compofa model"),
        /** Written by a format version this reader does not know. */
        UNKNOWN_VERSION("unknown format version"),
        /** Shorter than the smallest model file. */
        TRUNCATED("truncated"),
        /** The contents do not match the stored CRC32C (an altered or truncated file). */
        CHECKSUM_MISMATCH("checksum mismatch"),
        /** The checksum is right but a length, count, header entry or array is not. */
        MALFORMED("malformed"),
        /** Well formed, but the weights are not those of the architecture the header describes. */
        WEIGHTS_MISMATCH("weights do not match the architecture");

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
    public ModelFileException(Path file, Reason reason, String detail) {
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
    public ModelFileException(Path file, Reason reason, String detail, Throwable cause) {
        super("model", file, reason, detail, cause);
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
