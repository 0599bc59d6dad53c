package org.compofa.latency;

import org.compofa.space.Subnet;

/**
 * Times inference of one subnet on some engine: what {@link LatencyTableBuilder} calls for each
 * entry. Implemented by {@link LatencyMeasurer} (our backend) and {@link OnnxRuntimeLatency}.
 */
public interface SubnetTimer {
    /** The latency of {@code subnet} at its resolution. */
    LatencyStats measure(Subnet subnet);
}
