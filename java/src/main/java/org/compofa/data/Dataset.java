package org.compofa.data;

/**
 * A labelled image data set indexed {@code 0 .. size()-1}.
 *
 * <p>Implementations must be safe for concurrent reads (the {@link BatchLoader} prefetches on a
 * background thread) and return the same image for the same index every time. Images may differ in
 * height and width (an {@link ImageFolderDataset}); all have {@link #channels()} channels.
 */
public interface Dataset {
    /**
     * Number of images.
     *
     * @return the image count
     */
    int size();

    /**
     * Channels of every image: 1 (grayscale) or 3 (RGB).
     *
     * @return 1 or 3
     */
    int channels();

    /**
     * Number of classes; every label is in {@code 0 .. numClasses()-1}.
     *
     * @return the class count
     */
    int numClasses();

    /**
     * The class of image {@code index}.
     *
     * @param index image index
     * @return the label, {@code 0 .. numClasses()-1}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code 0 .. size()-1}
     */
    int label(int index);

    /**
     * Image {@code index} as HWC floats in [0, 1] (a fresh array the caller may modify).
     *
     * @param index image index
     * @return the image
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code 0 .. size()-1}
     * @throws DatasetException if the image cannot be read or decoded
     */
    Image image(int index);

    /**
     * Image {@code index}, possibly smaller than stored where that is cheap (a JPEG's DCT-domain scaling),
     * but with both sides at least {@code minHeight} and {@code minWidth} (or the stored size where that
     * is smaller), aspect ratio kept up to rounding. For callers that resize afterwards anyway; the
     * default returns {@link #image(int)}.
     *
     * @param index image index
     * @param minHeight rows needed, or 0 for the stored size
     * @param minWidth columns needed, or 0 for the stored size
     * @return the image, at least the asked size where stored larger
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code 0 .. size()-1}
     * @throws DatasetException if the image cannot be read or decoded
     */
    default Image image(int index, int minHeight, int minWidth) {
        return image(index);
    }

    /**
     * Image {@code index} normalised with {@code normalization}.
     *
     * @param index image index
     * @param normalization per-channel mean and std to apply
     * @return the normalised image
     */
    default Image image(int index, Normalization normalization) {
        return normalization.apply(image(index));
    }
}
