package org.compofa.data;

/**
 * One batch of images in NHWC order with their labels: image {@code n}, row {@code y}, column
 * {@code x}, channel {@code c} is {@code images[((n * resolution + y) * resolution + x) * channels + c]}.
 *
 * @param epoch the epoch it belongs to
 * @param index its position in the epoch, from 0
 * @param size number of images (the last batch of an epoch may be smaller)
 * @param resolution height and width of every image
 * @param channels channels per pixel
 * @param images {@code size * resolution * resolution * channels} normalised values
 * @param labels {@code size} class labels
 * @param sourceIndices the data set index of each image (for debugging and tests)
 */
public record Batch(int epoch, int index, int size, int resolution, int channels, float[] images, int[] labels,
        int[] sourceIndices) {
    /** Checks the array lengths against the shape. */
    public Batch {
        if ((long) size * resolution * resolution * channels != images.length || labels.length != size
                || sourceIndices.length != size) {
            throw new IllegalArgumentException("batch of " + size + " x " + resolution + "x" + resolution + "x"
                    + channels + " with " + images.length + " values, " + labels.length + " labels, "
                    + sourceIndices.length + " indices");
        }
    }

    /**
     * Values per image: {@code resolution * resolution * channels}.
     *
     * @return floats per image
     */
    public int imageLength() {
        return resolution * resolution * channels;
    }
}
