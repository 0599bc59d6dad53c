package org.compofa.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Scales a recipe (a list of phases) to a smaller or larger total number of epochs, keeping the
 * proportions of every phase's warm-up and cosine epochs.
 *
 * <p>Each of the 2n counts is multiplied by {@code budget / total} and rounded by the
 * largest-remainder method, so the results sum to exactly the budget; every phase then keeps at
 * least one cosine epoch, taken from the largest count. Warm-up that rounds to zero disappears.
 * Learning rates, subnets per step and everything else are unchanged.
 */
public final class EpochBudget {
    private EpochBudget() {
    }

    /**
     * Total epochs of a recipe, warm-up included.
     *
     * @param phases the recipe's phases
     * @return the sum of their epochs, warm-up included
     */
    public static int totalEpochs(List<TrainingConfig> phases) {
        return phases.stream().mapToInt(TrainingConfig::totalEpochs).sum();
    }

    /**
     * The phases scaled to {@code budget} total epochs (at least one per phase).
     *
     * @param phases the recipe's phases
     * @param budget total epochs wanted
     * @return the scaled phases, in order
     */
    public static List<TrainingConfig> scale(List<TrainingConfig> phases, int budget) {
        int n = phases.size();
        if (n == 0) {
            throw new IllegalArgumentException("a recipe needs at least one phase");
        }
        if (budget < n) {
            throw new IllegalArgumentException("epoch budget " + budget + " must be >= the number of phases (" + n
                    + "): every phase needs at least one epoch");
        }
        int[] counts = new int[2 * n];
        for (int i = 0; i < n; i++) {
            counts[2 * i] = phases.get(i).epochs();
            counts[2 * i + 1] = phases.get(i).warmupEpochs();
        }
        int[] scaled = apportion(counts, budget);
        for (int i = 0; i < n; i++) {
            while (scaled[2 * i] < 1) {
                int donor = largestDonor(scaled);
                scaled[donor]--;
                scaled[2 * i]++;
            }
        }
        List<TrainingConfig> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(phases.get(i).withEpochs(scaled[2 * i], scaled[2 * i + 1]));
        }
        return List.copyOf(out);
    }

    /** Largest-remainder rounding of {@code counts x budget / sum}; ties go to the earlier count. */
    static int[] apportion(int[] counts, int budget) {
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        int[] out = new int[counts.length];
        long[] remainder = new long[counts.length];
        int assigned = 0;
        for (int i = 0; i < counts.length; i++) {
            long exact = (long) counts[i] * budget;
            out[i] = (int) (exact / sum);
            remainder[i] = exact % sum;
            assigned += out[i];
        }
        for (int left = budget - assigned; left > 0; left--) {
            int best = -1;
            for (int i = 0; i < counts.length; i++) {
                if (remainder[i] >= 0 && (best < 0 || remainder[i] > remainder[best])) {
                    best = i;
                }
            }
            out[best]++;
            remainder[best] = -1;
        }
        return out;
    }

    /** The largest count that can give one away: cosine counts must stay at least 1. */
    private static int largestDonor(int[] scaled) {
        int best = -1;
        for (int i = 0; i < scaled.length; i++) {
            int floor = i % 2 == 0 ? 1 : 0;
            if (scaled[i] > floor && (best < 0 || scaled[i] > scaled[best])) {
                best = i;
            }
        }
        return best;
    }
}
