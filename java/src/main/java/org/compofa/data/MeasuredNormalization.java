package org.compofa.data;

/**
 * Per-channel mean and standard deviation of [0, 1] pixels measured on a seeded sample of a data
 * set, each image brought to the training resolution first (the eval crop or a stretch, as the run's
 * {@link Preprocessing.Resize}): the statistics a run normalises with when none are given.
 */
public final class MeasuredNormalization {
    /** Images sampled by default. */
    public static final int DEFAULT_IMAGES = 1000;
    /** Seed of the default sample (fixed: the statistics do not depend on the run's seed). */
    public static final long DEFAULT_SEED = 0x4e4f524dL; // "NORM"

    private MeasuredNormalization() {
    }

    /**
     * The statistics of {@code min(images, data.size())} images drawn by
     * {@link SubsetDataset#randomSample}{@code (data, n, seed)}, each resized by {@code resize} to
     * {@code resolution}; std is the population standard deviation over every pixel of the sample.
     *
     * @param data the images to measure
     * @param images how many images to sample, at least 1
     * @param resolution side in pixels the images are resized to
     * @param resize how they are resized
     * @param seed seed of the sample
     * @return per-channel mean and std
     * @throws IllegalArgumentException if the data set is empty, {@code images < 1} or a channel is constant
     */
    public static Normalization measure(Dataset data, int images, int resolution, Preprocessing.Resize resize,
                                        long seed) {
        if (images < 1 || data.size() == 0 || resolution < 1) {
            throw new IllegalArgumentException("measuring normalisation needs >= 1 image of a non-empty data set at a"
                    + " resolution >= 1: " + images + " images, data set of " + data.size() + ", resolution "
                    + resolution);
        }
        // the parent's own indices: a SubsetDataset would drop the decoder size hint
        int[] sample = SubsetDataset.randomSample(data, Math.min(images, data.size()), seed).parentIndices();
        int c = data.channels();
        double[] sum = new double[c];
        double[] squares = new double[c];
        long pixels = 0;
        int side = resize == Preprocessing.Resize.SHORT_SIDE_CENTRE_CROP
                ? ResizeCentreCropDataset.resizeSize(resolution) : resolution;
        for (int index : sample) {
            Image raw = data.image(index, side, side);
            Image image = resize == Preprocessing.Resize.SHORT_SIDE_CENTRE_CROP
                    ? ResizeCentreCropDataset.transform(raw, resolution)
                    : ImageTransforms.resizeBilinear(raw, resolution, resolution);
            float[] p = image.pixels();
            for (int k = 0; k < p.length; k++) {
                sum[k % c] += p[k];
                squares[k % c] += (double) p[k] * p[k];
            }
            pixels += p.length / c;
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        for (int k = 0; k < c; k++) {
            double m = sum[k] / pixels;
            double variance = Math.max(0, squares[k] / pixels - m * m);
            mean[k] = (float) m;
            std[k] = (float) Math.sqrt(variance);
            if (!(std[k] > 0)) {
                throw new IllegalArgumentException("channel " + k + " is constant (" + m + ") in the " + sample.length
                        + " sampled images: give --mean and --std");
            }
        }
        return new Normalization(mean, std);
    }
}
