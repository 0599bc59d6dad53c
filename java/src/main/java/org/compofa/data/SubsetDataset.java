package org.compofa.data;

import java.util.Objects;

/**
 * A view of chosen images of another data set; index {@code i} is image {@code indices[i]} of the
 * parent. {@link #randomSample} gives the fixed set of training images used to recalibrate batch-norm
 * statistics of each subnet (OFA's {@code sub_train_loader}): the same seed, the same images.
 */
public final class SubsetDataset implements Dataset {
    /** Key separating the subset draw from other uses of the same seed. */
    private static final long SUBSET_STREAM = 0x5355425345L; // "SUBSE"

    private final Dataset parent;
    private final int[] indices;

    /**
     * A view of the given images.
     *
     * @param parent the full data set
     * @param indices parent indices, each in {@code 0 .. parent.size()-1} (copied)
     */
    public SubsetDataset(Dataset parent, int[] indices) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.indices = indices.clone();
        for (int index : this.indices) {
            Objects.checkIndex(index, parent.size());
        }
    }

    /**
     * {@code count} distinct images of {@code parent} chosen uniformly at random from {@code seed}
     * (the first {@code count} positions of a seeded permutation, in that order).
     *
     * @param parent the data set to sample
     * @param count images to choose
     * @param seed seed of the permutation
     * @return the sample
     */
    public static SubsetDataset randomSample(Dataset parent, int count, long seed) {
        if (count < 1 || count > parent.size()) {
            throw new IllegalArgumentException("subset of " + count + " images from " + parent.size()
                    + ": need 1 <= count <= size");
        }
        int[] chosen = new int[count];
        int[] order = SeededOrder.permutation(parent.size(), SeededOrder.random(seed, SUBSET_STREAM));
        System.arraycopy(order, 0, chosen, 0, count);
        return new SubsetDataset(parent, chosen);
    }

    /**
     * The parent index of each image (a copy).
     *
     * @return the parent indices
     */
    public int[] parentIndices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
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
        return parent.label(indices[Objects.checkIndex(index, indices.length)]);
    }

    @Override
    public Image image(int index) {
        return parent.image(indices[Objects.checkIndex(index, indices.length)]);
    }
}
