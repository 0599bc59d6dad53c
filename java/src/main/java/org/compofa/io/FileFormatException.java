package org.compofa.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file of one of the library's formats that cannot be used, with the file concerned. The message
 * reads {@code <kind> <file>: <reason>: <detail>}; each format's subclass names its reasons (an enum
 * implementing {@link Reason}). It is an {@link IOException}, so callers that handle I/O errors handle
 * it too.
 */
public abstract class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong, in a format's own terms. */
    public interface Reason {
        /**
         * Short human-readable form.
         *
         * @return the text
         */
        String text();
    }

    private final transient Path file;

    /**
     * An error about {@code file}.
     *
     * @param kind   the format's name in the message ("model", "checkpoint")
     * @param reason what is wrong
     * @param detail the specifics (offsets, sizes, names)
     * @param cause  the underlying error, or null
     * @param file the file concerned
     */
    protected FileFormatException(String kind, Path file, Reason reason, String detail, Throwable cause) {
        super(kind + " " + file + ": " + reason.text() + ": " + detail, cause);
        this.file = file;
    }

    /**
     * The file (or directory) concerned.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }
}
