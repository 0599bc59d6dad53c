package org.compofa.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A data set file is missing, unreadable or malformed; the message names the file and what was
 * wrong, e.g. {@code "/data/train-labels-idx1-ubyte.gz: label 12 at index 7 is outside 0..9"}.
 *
 * <p>Unchecked on purpose: images of an {@link ImageFolderDataset} are decoded lazily inside
 * {@link Dataset#image(int)} and the batch loader, where a checked exception would have to be
 * wrapped at every level; callers that want to recover catch this one type.
 */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * An exception without an underlying cause.
     *
     * @param file the file (or directory) concerned
     * @param problem what was wrong with it; the message becomes {@code "<file>: <problem>"}
     */
    public DatasetException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * An exception caused by an I/O or decoding error.
     *
     * @param file the file (or directory) concerned
     * @param problem what was wrong with it
     * @param cause the underlying I/O or decoding error, or {@code null}
     */
    public DatasetException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The file or directory the problem is about (absent after deserialisation).
     *
     * @return the file or directory, or empty
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
