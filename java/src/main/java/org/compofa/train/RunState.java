package org.compofa.train;

import java.util.Arrays;

/**
 * Where a run stands, enough to resume it exactly: the <em>next</em> batch to run and every random
 * stream the run uses.
 *
 * <p>All randomness of a run is derived from {@link #seed()} and the position, never from a
 * generator carried along: the data pipeline is keyed by (seed, epoch, batch) and subnet sampling by
 * {@link #subnetSeed(int)}, which mirrors the reference's per-step {@code random.seed(
 * '%d%.3d%.3d' % (epoch*nBatch+i, k, 0))} (§5.1). A resumed run therefore draws the same subnets
 * and images as an uninterrupted one. {@link #rngState()} carries the words of any generator that
 * must be saved as state instead (empty when none).
 *
 * @param epoch epoch of the next batch (from 0, warm-up included), at least 0
 * @param batchIndex index of the next batch within that epoch, at least 0
 * @param globalStep optimizer steps done so far in this phase, at least 0
 * @param seed the run's seed
 * @param rngState saved generator words (copied in and out)
 */
public record RunState(int epoch, int batchIndex, long globalStep, long seed, long[] rngState) {
    /** Checks the position and copies the generator words. */
    public RunState {
        if (epoch < 0 || batchIndex < 0 || globalStep < 0) {
            throw new IllegalArgumentException("run state epoch " + epoch + ", batch " + batchIndex + ", step "
                    + globalStep + ": all must be >= 0");
        }
        rngState = rngState == null ? new long[0] : rngState.clone();
    }

    /**
     * The state before the first batch of a run with this seed.
     *
     * @param seed the run's seed
     * @return the initial state
     */
    public static RunState start(long seed) {
        return new RunState(0, 0, 0, seed, new long[0]);
    }

    /**
     * A copy of the saved generator words.
     *
     * @return a copy of the generator words
     */
    @Override
    public long[] rngState() {
        return rngState.clone();
    }

    /**
     * The state after one more optimizer step, wrapping to the next epoch after {@code batchesPerEpoch}.
     *
     * @param batchesPerEpoch iterations per epoch
     * @return the advanced state
     */
    public RunState advance(int batchesPerEpoch) {
        if (batchesPerEpoch < 1 || batchIndex >= batchesPerEpoch) {
            throw new IllegalArgumentException("cannot advance batch " + batchIndex + " with " + batchesPerEpoch
                    + " batches/epoch: need batches >= 1 and batch index below it");
        }
        boolean wrap = batchIndex + 1 == batchesPerEpoch;
        return new RunState(wrap ? epoch + 1 : epoch, wrap ? 0 : batchIndex + 1, globalStep + 1, seed, rngState);
    }

    /**
     * This state with other saved generator words.
     *
     * @param words saved generator words
     * @return a copy with those words
     */
    public RunState withRngState(long[] words) {
        return new RunState(epoch, batchIndex, globalStep, seed, words);
    }

    /**
     * Seed for sampling the {@code k}-th subnet of the current step (a function of seed, step and k).
     *
     * @param k index of the subnet within the step, from 0
     * @return the subnet's sampling seed
     */
    public long subnetSeed(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("subnet index " + k + " must be >= 0");
        }
        return mix(mix(mix(seed) ^ globalStep) ^ k);
    }

    /** SplitMix64's finaliser: distinct inputs give well-spread, distinct outputs. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunState s && epoch == s.epoch && batchIndex == s.batchIndex
                && globalStep == s.globalStep && seed == s.seed && Arrays.equals(rngState, s.rngState);
    }

    @Override
    public int hashCode() {
        return ((Integer.hashCode(epoch) * 31 + batchIndex) * 31 + Long.hashCode(globalStep)) * 31
                + Long.hashCode(seed) * 17 + Arrays.hashCode(rngState);
    }

    @Override
    public String toString() {
        return "RunState[epoch=" + epoch + ", batch=" + batchIndex + ", step=" + globalStep + ", seed=" + seed
                + ", rngWords=" + rngState.length + "]";
    }
}
