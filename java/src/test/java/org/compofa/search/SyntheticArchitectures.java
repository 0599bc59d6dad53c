package org.compofa.search;

import java.util.SplittableRandom;
import org.compofa.space.Subnet;

/**
 * Seeded synthetic accuracy and latency of subnets: additive per-choice effects plus interactions
 * (depth x kernel within a stage, resolution x mean expand ratio), so only a non-linear model fits
 * them exactly. Values stay well inside [0, 100] % and above 0 ms.
 */
final class SyntheticArchitectures {
    private final double[] kernelWeight;
    private final double[] expandWeight;
    private final double[] depthWeight;
    private final double[] blockCost;

    SyntheticArchitectures(long seed, int stages) {
        SplittableRandom rnd = new SplittableRandom(seed);
        kernelWeight = rnd.doubles(stages, 0.1, 0.5).toArray();
        expandWeight = rnd.doubles(stages, 0.2, 0.8).toArray();
        depthWeight = rnd.doubles(stages, 0.5, 1.5).toArray();
        blockCost = rnd.doubles(stages, 0.05, 0.3).toArray();
    }

    /** Top-1 (%) without noise. */
    double accuracy(Subnet s) {
        double acc = 72 + 3.0 * (s.resolution() - 176) / 48.0;
        double expandSum = 0;
        for (int st = 0; st < s.stages(); st++) {
            double kernelSum = 0;
            for (int b = 0; b < s.depth(st); b++) {
                kernelSum += s.kernel(st, b) - 5;
                acc += kernelWeight[st] * (s.kernel(st, b) - 5) / 2 + expandWeight[st] * (s.expand(st, b) - 4) / 2;
                expandSum += s.expand(st, b) - 4;
            }
            acc += depthWeight[st] * (s.depth(st) - 3) + 0.15 * (s.depth(st) - 3) * kernelSum;
        }
        acc += 1.5 * (s.resolution() - 176) / 48.0 * expandSum / s.activeBlocks();
        return acc;
    }

    /** Latency (ms): per-block cost growing with kernel and expand ratio, times the pixel count. */
    double latencyMs(Subnet s) {
        double ms = 1.0;
        for (int st = 0; st < s.stages(); st++) {
            for (int b = 0; b < s.depth(st); b++) {
                ms += blockCost[st] * s.expand(st, b) * (1 + 0.05 * s.kernel(st, b) * s.kernel(st, b));
            }
        }
        return ms * s.resolution() * s.resolution() / (224.0 * 224.0);
    }
}
