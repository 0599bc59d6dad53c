package org.compofa.latency;

import org.compofa.space.Subnet;

/**
 * Times inference of one subnet on some engine: what {@link LatencyTableBuilder} calls for each
 * entry. Implemented by {@link LatencyMeasurer} (our backend) and {@link OnnxRuntimeLatency}.
 */
public interface SubnetTimer {
    /**
     * The latency of {@code subnet} at its resolution.
     *
     * @param subnet the subnet to time
     * @return its latency statistics in ms
     */
    LatencyStats measure(Subnet subnet);

    /**
     * The input every timer feeds at resolution {@code r}: {@code count} standard normal floats
     * seeded by r, so all engines time the same numbers (the layout only orders them).
     *
     * @param count floats wanted
     * @param r the resolution
     * @return count floats
     */
    static float[] input(int count, int r) {
        float[] data = new float[count];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(r);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        return data;
    }
}
