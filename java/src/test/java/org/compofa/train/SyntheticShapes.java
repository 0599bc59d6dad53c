package org.compofa.train;

import java.util.SplittableRandom;
import org.compofa.data.Dataset;
import org.compofa.data.Image;

/**
 * A learnable synthetic data set for training tests: class c of {@code classes} is a bright 3x3
 * square at a class-specific position on a noisy grey background, one channel.
 */
final class SyntheticShapes implements Dataset {
    private final int size;
    private final int side;
    private final int classes;
    private final long seed;

    SyntheticShapes(int size, int side, int classes, long seed) {
        this.size = size;
        this.side = side;
        this.classes = classes;
        this.seed = seed;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public int label(int index) {
        return Math.floorMod(index * 7 + 3, classes);
    }

    @Override
    public Image image(int index) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + index);
        float[] px = new float[side * side];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (0.3 + 0.2 * rnd.nextDouble());
        }
        int c = label(index);
        int y0 = 1 + (c * 5) % (side - 4);
        int x0 = 1 + (c * 3) % (side - 4);
        for (int y = y0; y < y0 + 3; y++) {
            for (int x = x0; x < x0 + 3; x++) {
                px[y * side + x] = 1f;
            }
        }
        return new Image(side, side, 1, px);
    }
}
