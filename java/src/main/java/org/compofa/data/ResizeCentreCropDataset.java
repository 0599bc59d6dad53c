package org.compofa.data;

import java.util.Objects;

/**
 * OFA's ImageNet evaluation transform at one resolution {@code r}, as a view of another data set:
 * the short side resized to {@code ceil(r / 0.875)} (the long side to {@code floor(size * long /
 * short)}, as torchvision's {@code Resize(int)}), bilinear ({@link ImageTransforms#resizeBilinear});
 * then the centre {@code r x r} crop with torchvision's {@code CenterCrop} offsets
 * ({@code round((h - r) / 2)}, half to even like Python's {@code round}). Every image comes out
 * {@code r x r}, so a {@link BatchLoader} at resolution {@code r} leaves it unchanged (its resize to
 * the same size is the identity); normalisation stays the loader's.
 *
 * <p>One difference from OFA's PIL pipeline: the resize does not low-pass filter when it shrinks
 * (PIL's bilinear does), so accuracy on large photos can differ slightly from OFA's.
 */
public final class ResizeCentreCropDataset implements Dataset {
    /** OFA's crop ratio: evaluation resizes to {@code ceil(r / 0.875)} before the centre crop. */
    public static final double CROP_RATIO = 0.875;

    private final Dataset parent;
    private final int resolution;
    private final int resizeTo;

    /**
     * The images of {@code parent} transformed for resolution {@code resolution}.
     *
     * @param parent the source images
     * @param resolution output side in pixels, at least 1
     * @throws IllegalArgumentException if {@code resolution < 1}
     */
    public ResizeCentreCropDataset(Dataset parent, int resolution) {
        this.parent = Objects.requireNonNull(parent, "parent");
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution " + resolution + ": must be >= 1");
        }
        this.resolution = resolution;
        this.resizeTo = resizeSize(resolution);
    }

    /**
     * The short side before the crop: {@code ceil(r / 0.875)}, as OFA computes it.
     *
     * @param resolution output side in pixels
     * @return the short side before the crop
     */
    public static int resizeSize(int resolution) {
        return (int) Math.ceil(resolution / CROP_RATIO);
    }

    /**
     * The resolution every image comes out at.
     *
     * @return the output side in pixels
     */
    public int resolution() {
        return resolution;
    }

    @Override
    public int size() {
        return parent.size();
    }

    @Override
    public int channels() {
        return parent.channels();
    }

    @Override
    public int numClasses() {
        return parent.numClasses();
    }

    @Override
    public int label(int index) {
        return parent.label(index);
    }

    @Override
    public Image image(int index) {
        // the decoder may downscale in the DCT domain as long as both sides stay >= the resize target
        int s = resizeSize(resolution);
        return transform(parent.image(index, s, s), resolution);
    }

    /**
     * The transform on one image (see the class comment).
     *
     * @param image the input image
     * @param resolution output side in pixels
     * @return the transformed image
     */
    public static Image transform(Image image, int resolution) {
        int size = resizeSize(resolution);
        int h = image.height();
        int w = image.width();
        int outH;
        int outW;
        if (h <= w) {
            outH = size;
            outW = (int) ((long) size * w / h);
        } else {
            outW = size;
            outH = (int) ((long) size * h / w);
        }
        Image resized = (outH == h && outW == w) ? image : ImageTransforms.resizeBilinear(image, outH, outW);
        return centreCrop(resized, resolution);
    }

    /** torchvision's {@code CenterCrop(r)} on an image at least {@code r} on each side. */
    static Image centreCrop(Image image, int r) {
        int c = image.channels();
        int top = (int) Math.rint((image.height() - r) / 2.0);
        int left = (int) Math.rint((image.width() - r) / 2.0);
        float[] src = image.pixels();
        float[] out = new float[Math.multiplyExact(r * r, c)];
        for (int y = 0; y < r; y++) {
            System.arraycopy(src, ((top + y) * image.width() + left) * c, out, y * r * c, r * c);
        }
        return new Image(r, r, c, out);
    }
}
