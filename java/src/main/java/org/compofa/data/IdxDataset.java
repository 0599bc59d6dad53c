package org.compofa.data;

import java.util.Objects;

/**
 * Grayscale images of one fixed size held in memory as one unsigned-byte array (784 bytes per
 * Fashion-MNIST image, 47 MB for the training set), with {@code int} labels.
 *
 * <p>Immutable after construction and therefore safe for concurrent reads. Built by
 * {@link FashionMnist#load}, or directly from arrays (tests, synthetic data).
 */
public final class IdxDataset implements Dataset {

    private final String name;
    private final int rows;
    private final int columns;
    private final int numClasses;
    private final byte[] pixels;
    private final int[] labels;

    /**
     * Wraps the arrays without copying them; the caller must not modify them afterwards.
     *
     * @param name what the data is, for messages (e.g. {@code "fashion-mnist train"})
     * @param rows rows per image
     * @param columns columns per image
     * @param numClasses labels lie in {@code 0 .. numClasses-1}
     * @param pixels {@code labels.length * rows * columns} unsigned bytes, image after image
     * @param labels one label per image
     */
    public IdxDataset(String name, int rows, int columns, int numClasses, byte[] pixels, int[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (rows < 1 || columns < 1 || numClasses < 1) {
            throw new IllegalArgumentException(name + ": rows " + rows + ", columns " + columns + ", classes "
                    + numClasses + ": each must be at least 1");
        }
        if ((long) labels.length * rows * columns != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + rows + "x" + columns);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at index " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
        this.rows = rows;
        this.columns = columns;
        this.numClasses = numClasses;
    }

    /**
     * What the data is, e.g. {@code "fashion-mnist train"}.
     *
     * @return the data set's name
     */
    public String name() {
        return name;
    }

    /**
     * Rows of every image.
     *
     * @return image rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Columns of every image.
     *
     * @return image columns
     */
    public int columns() {
        return columns;
    }

    /**
     * The raw pixel value (0..255) of image {@code index} at row {@code y}, column {@code x}.
     *
     * @param index image index
     * @param y row
     * @param x column
     * @return the raw pixel, 0 to 255
     */
    public int pixel(int index, int y, int x) {
        Objects.checkIndex(index, labels.length);
        Objects.checkIndex(y, rows);
        Objects.checkIndex(x, columns);
        return pixels[(index * rows + y) * columns + x] & 0xff;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    /** Pixels divided by 255, as torchvision's {@code ToTensor}. */
    @Override
    public Image image(int index) {
        Objects.checkIndex(index, labels.length);
        int n = rows * columns;
        float[] out = new float[n];
        int base = index * n;
        for (int i = 0; i < n; i++) {
            out[i] = (pixels[base + i] & 0xff) / 255f; // division, as ToTensor
        }
        return new Image(rows, columns, 1, out);
    }

    @Override
    public String toString() {
        return name + " (" + labels.length + " images " + rows + "x" + columns + ", " + numClasses + " classes)";
    }
}
