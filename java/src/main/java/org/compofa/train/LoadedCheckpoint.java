package org.compofa.train;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A checkpoint together with the file it was read from, so that a missing or misshapen tensor is
 * reported against that file.
 *
 * @param file where the checkpoint was read from
 * @param checkpoint its contents, verified
 */
public record LoadedCheckpoint(Path file, Checkpoint checkpoint) {
    /** Checks both are present. */
    public LoadedCheckpoint {
        if (file == null || checkpoint == null) {
            throw new IllegalArgumentException("file and checkpoint must not be null");
        }
    }

    /**
     * The array named {@code name}, which must have shape {@code shape}.
     *
     * @param name the array's name
     * @param shape the shape it must have
     * @return the array
     * @throws CheckpointException {@link CheckpointException.Reason#MISSING_TENSOR} or
     *     {@link CheckpointException.Reason#SHAPE_MISMATCH}, naming the file
     */
    public NamedArray require(String name, int... shape) throws CheckpointException {
        NamedArray a = checkpoint.find(name).orElseThrow(() -> new CheckpointException(file,
                CheckpointException.Reason.MISSING_TENSOR, "no array named '" + name + "' among "
                        + checkpoint.arrays().size() + " arrays"));
        if (!a.hasShape(shape)) {
            throw new CheckpointException(file, CheckpointException.Reason.SHAPE_MISMATCH, "array '" + name
                    + "' has shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(shape));
        }
        return a;
    }
}
