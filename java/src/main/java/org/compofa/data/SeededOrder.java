package org.compofa.data;

import java.util.SplittableRandom;

/**
 * Deterministic randomness keyed by {@code (seed, epoch, index)}, so that any batch of any epoch can
 * be rebuilt on its own (a resumed run sees the same data) without replaying earlier draws.
 *
 * <p>Keys are combined with the SplitMix64 finaliser (Steele et al. 2014), whose output seeds a
 * {@link SplittableRandom}. The permutation is a Fisher-Yates shuffle driven by that generator.
 */
public final class SeededOrder {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private SeededOrder() {
    }

    /**
     * A well-mixed 64-bit key for the sequence {@code parts} (order matters).
     *
     * @param parts the key parts
     * @return the mixed key
     */
    public static long key(long... parts) {
        long h = 0x6a09e667f3bcc909L; // arbitrary non-zero start (sqrt(2) fraction)
        for (long part : parts) {
            h = mix64(h + GOLDEN_GAMMA + mix64(part));
        }
        return h;
    }

    /**
     * A generator for the given key parts, e.g. {@code (seed, epoch, imageIndex)}.
     *
     * @param parts the key parts
     * @return a generator seeded with their key
     */
    public static SplittableRandom random(long... parts) {
        return new SplittableRandom(key(parts));
    }

    /**
     * A uniformly random permutation of {@code 0 .. n-1} drawn from {@code random}.
     *
     * @param n length of the permutation
     * @param random the generator to draw from
     * @return the permutation
     */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64's finaliser: a bijection on 64-bit values with good avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
