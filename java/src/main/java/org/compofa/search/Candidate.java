package org.compofa.search;

import java.util.Objects;
import org.compofa.space.Subnet;

/**
 * One (subnet at a resolution) with its accuracy and its latency on one platform.
 *
 * @param subnet    architecture and resolution
 * @param top1      accuracy in percent (finite)
 * @param latencyMs latency in milliseconds (finite, >= 0)
 */
public record Candidate(Subnet subnet, double top1, double latencyMs) {
    /** Checks the numbers. */
    public Candidate {
        Objects.requireNonNull(subnet, "subnet");
        if (!Double.isFinite(top1) || !Double.isFinite(latencyMs) || latencyMs < 0) {
            throw new IllegalArgumentException(subnet.id() + ": top-1 " + top1 + " and latency " + latencyMs
                    + " ms must be finite, latency >= 0");
        }
    }

    /**
     * Whether this candidate is at least as good in both and better in one (higher top-1, lower latency).
     *
     * @param o the candidate compared with
     * @return true when this one dominates o
     */
    public boolean dominates(Candidate o) {
        return top1 >= o.top1 && latencyMs <= o.latencyMs && (top1 > o.top1 || latencyMs < o.latencyMs);
    }
}
