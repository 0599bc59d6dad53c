package org.compofa.io.safetensors;

import java.nio.file.Path;
import org.compofa.io.FileFormatException;

/**
 * A safetensors file ({@link Safetensors}) that cannot be read, with the file and the {@link Reason}.
 * The message reads {@code safetensors file <file>: <reason>: <detail>}. It is an
 * {@link java.io.IOException}, so callers that handle I/O errors handle it too.
 */
public final class SafetensorsException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason implements FileFormatException.Reason {
        /** Reading failed at the file-system level (missing, unreadable). */
        IO("I/O error"),
        /** The file ends before the header length, the header or the data it declares. */
        TRUNCATED("truncated"),
        /** A header length, element count or integer larger than the file or this reader allows. */
        TOO_LARGE("size out of bounds"),
        /** The header is not UTF-8 JSON of the safetensors form (an object of tensor entries). */
        MALFORMED_HEADER("malformed header"),
        /** Data offsets out of range, overlapping, leaving holes, or disagreeing with dtype and shape. */
        BAD_OFFSETS("bad data offsets"),
        /** A dtype this reader does not convert. */
        UNSUPPORTED_DTYPE("unsupported dtype");

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
    public SafetensorsException(Path file, Reason reason, String detail) {
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
    public SafetensorsException(Path file, Reason reason, String detail, Throwable cause) {
        super("safetensors file", file, reason, detail, cause);
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
